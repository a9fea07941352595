using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Upstreams;

namespace Gateway.Domain.Tests.Upstreams;

public sealed class KnownLimitsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T12:00:00Z");

    [Theory]
    [InlineData("gemini-2.5-flash", 10, 250)]
    [InlineData("gemini-2.5-flash-lite", 15, 1000)]
    [InlineData("gemini-2.5-flash-preview-09-2025", 10, 250)]
    [InlineData("gemini-2.5-flash-lite-preview-06-17", 15, 1000)]
    [InlineData("gemma-3-27b-it", 30, 14400)]
    public void Should_find_a_models_row_by_its_name_or_the_longest_name_it_extends(string model, int rpm, int rpd)
    {
        var row = KnownLimits.GeminiFree.For(model);

        Assert.Equal(rpm, row?.Rpm);
        Assert.Equal(rpd, row?.Rpd);
    }

    [Theory]
    [InlineData("gemini-2.5-flashy")]
    [InlineData("gemini-3-ultra")]
    [InlineData("gemini")]
    public void Should_leave_a_model_it_does_not_list_unlimited(string model) =>
        Assert.Null(KnownLimits.GeminiFree.For(model));

    [Theory]
    [InlineData("gemini-free", true)]
    [InlineData("GROQ-FREE", true)]
    [InlineData("none", true)]
    [InlineData(null, true)]
    [InlineData("openai-free", false)]
    public void Should_find_shipped_tables_by_name(string? name, bool found) =>
        Assert.Equal(found, KnownLimits.TryFind(name, out _));

    [Fact]
    public void Should_take_each_limit_from_the_first_place_that_sets_it()
    {
        var options = new PoolOptions(
            QuotaGroups: new Dictionary<string, string> { ["gemini-2.5-flash"] = "flash" },
            ModelLimits: new Dictionary<string, QuotaLimits>
            {
                ["flash"] = new(Rpm: 4, Rpd: null, Tpm: null),
                ["gemini-2.5-flash"] = new(Rpm: 99, Rpd: 40, Tpm: null),
            });
        var key = new PoolKey("a", Limits: new QuotaLimits(null, 1000, 5000), Table: KnownLimits.GeminiFree);

        var limits = options.LimitsFor(key, "gemini-2.5-flash");

        // rpm from the group, rpd from the model (over the key's 1000), tpm from the key (over the table's 250k).
        Assert.Equal(new QuotaLimits(4, 40, 5000), limits);
    }

    [Fact]
    public void Should_pace_a_free_key_by_the_table_and_leave_a_paid_key_of_the_same_pool_alone()
    {
        var pool = new KeyPool(GeminiApi.QuotaZone, new PoolOptions(SelectionStrategy.Sequential));
        pool.Add(new PoolKey("free", Table: KnownLimits.GeminiFree));

        var served = Enumerable.Range(0, 12).Count(_ => Take(pool) is not null);

        Assert.Equal(10, served);
        var refused = pool.Acquire("gemini-2.5-flash", Now);
        Assert.Contains("requests-per-minute", refused.Reason, StringComparison.Ordinal);

        pool.Add(new PoolKey("paid", Priority: 1));
        Assert.Equal(["paid", "paid", "paid"], Enumerable.Range(0, 3).Select(_ => Take(pool)));
    }

    [Fact]
    public void Should_show_the_limits_in_force_beside_the_counters()
    {
        var pool = new KeyPool(GeminiApi.QuotaZone, new PoolOptions());
        pool.Add(new PoolKey("free", Table: KnownLimits.GeminiFree));
        Take(pool, "gemini-2.5-pro");

        var status = Assert.Single(pool.Status(Now));

        Assert.Equal("gemini-free", status.LimitsTable);
        Assert.Equal(new QuotaLimits(5, 100, 250_000), status.Quotas["gemini-2.5-pro"].Limits);
        Assert.Equal(1, status.Quotas["gemini-2.5-pro"].RequestsToday);
    }

    private static string? Take(KeyPool pool, string model = "gemini-2.5-flash")
    {
        var lease = pool.Acquire(model, Now).Lease;
        if (lease is not null)
            pool.Succeed(lease, 0, Now);
        return lease?.KeyId;
    }
}

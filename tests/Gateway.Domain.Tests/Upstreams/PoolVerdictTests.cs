using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Upstreams;

namespace Gateway.Domain.Tests.Upstreams;

/// <summary>What <see cref="KeyPool.Fail"/> tells the other instances, and what <see cref="KeyPool.Apply"/> does with it there.</summary>
public sealed class PoolVerdictTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T12:00:00Z");
    private const string Flash = "gemini-2.5-flash";

    private static KeyPool Pool(params PoolKey[] keys)
    {
        var pool = new KeyPool(GeminiApi.QuotaZone, new PoolOptions(SelectionStrategy.Sequential));
        foreach (var key in keys)
            pool.Add(key);
        return pool;
    }

    private static PoolVerdict? Fail(KeyPool pool, UpstreamFailure failure, DateTimeOffset? at = null) =>
        pool.Fail(pool.Acquire(Flash, at ?? Now).Lease!, failure, at ?? Now);

    private static UpstreamFailure RateLimited(int seconds) => new(FailureKind.RateLimited, TimeSpan.FromSeconds(seconds), null, "rate limited: slow down");

    private static PoolQuotaStatus? Quota(KeyPool pool, string keyId, DateTimeOffset at) =>
        pool.Status(at).Single(s => s.KeyId == keyId).Quotas.GetValueOrDefault(Flash);

    [Fact]
    public void Should_tell_a_rate_limit_as_a_cooldown_of_the_keys_scope_until_the_upstream_said()
    {
        var verdict = Fail(Pool(new PoolKey("a")), RateLimited(30));

        Assert.Equal(new PoolVerdict("a", "key:a", Flash, PoolVerdictKind.CooledDown, Now.AddSeconds(30), "rate limited: slow down"), verdict);
    }

    [Fact]
    public void Should_tell_a_spent_daily_quota_of_a_project_until_midnight_pacific_for_the_quota_of_the_model_named()
    {
        var pool = new KeyPool(GeminiApi.QuotaZone, new PoolOptions(QuotaGroups: new Dictionary<string, string> { [Flash] = "flash" }));
        pool.Add(new PoolKey("a", Project: "proj-a"));

        var verdict = pool.Fail(pool.Acquire("gemini-2.5-pro", Now).Lease!, new UpstreamFailure(FailureKind.DailyQuotaExhausted, null, Flash, "daily quota exhausted"), Now);

        Assert.Equal(new PoolVerdict("a", "project:proj-a", "flash", PoolVerdictKind.DailyExhausted, DateTimeOffset.Parse("2026-11-23T08:00:00Z"), "daily quota exhausted"), verdict);
    }

    [Fact]
    public void Should_tell_a_rejected_key_as_disabled_with_no_end()
    {
        var verdict = Fail(Pool(new PoolKey("a")), new UpstreamFailure(FailureKind.KeyRejected, null, null, "upstream answered 401: API key not valid"));

        Assert.Equal(new PoolVerdict("a", "key:a", Flash, PoolVerdictKind.Disabled, null, "upstream answered 401: API key not valid"), verdict);
        Assert.True(verdict!.InForceAt(Now.AddYears(1)));
    }

    [Fact]
    public void Should_tell_nothing_of_a_first_transient_failure_and_a_cooldown_of_a_repeated_one()
    {
        var pool = Pool(new PoolKey("a"));
        var transient = new UpstreamFailure(FailureKind.Transient, null, null, "upstream answered 503");

        Assert.Null(Fail(pool, transient));
        Assert.Equal(new PoolVerdict("a", "key:a", Flash, PoolVerdictKind.CooledDown, Now.AddSeconds(10), "upstream answered 503"), Fail(pool, transient));
    }

    [Fact]
    public void Should_tell_nothing_of_an_error_of_the_request_itself()
    {
        var pool = Pool(new PoolKey("a"));

        Assert.Null(Fail(pool, new UpstreamFailure(FailureKind.BadRequest, null, null, "upstream answered 400: bad field")));
        Assert.Null(Fail(pool, new UpstreamFailure(FailureKind.ContextLength, null, null, "maximum context length")));
        Assert.Null(Quota(pool, "a", Now)?.CooldownUntil);
    }

    [Fact]
    public void Should_tell_nothing_of_a_cooldown_no_longer_than_the_one_in_force()
    {
        var pool = Pool(new PoolKey("a"));
        var first = pool.Acquire(Flash, Now).Lease!;
        var second = pool.Acquire(Flash, Now).Lease!;

        Assert.NotNull(pool.Fail(first, RateLimited(60), Now));
        Assert.Null(pool.Fail(second, RateLimited(20), Now));
    }

    [Fact]
    public void Should_bench_a_scope_cooled_down_elsewhere_and_show_it_as_its_own()
    {
        var elsewhere = Pool(new PoolKey("a"), new PoolKey("b"));
        var here = Pool(new PoolKey("a"), new PoolKey("b"));

        here.Apply(Fail(elsewhere, RateLimited(30))!, Now);

        Assert.Equal("b", here.Acquire(Flash, Now.AddSeconds(1)).Lease!.KeyId);
        Assert.Equal(Quota(elsewhere, "a", Now)!.CooldownUntil, Quota(here, "a", Now)!.CooldownUntil);
        Assert.Equal("rate limited: slow down", Quota(here, "a", Now)!.CooldownReason);
        Assert.Equal("a", here.Acquire(Flash, Now.AddSeconds(30)).Lease!.KeyId);
    }

    [Fact]
    public void Should_bench_every_key_of_a_project_cooled_down_elsewhere_and_answer_when_it_frees()
    {
        var here = Pool(new PoolKey("a", Project: "p"), new PoolKey("b", Project: "p"));

        here.Apply(new PoolVerdict("a", "project:p", Flash, PoolVerdictKind.DailyExhausted, Now.AddHours(20), "daily quota exhausted"), Now);
        var refused = here.Acquire(Flash, Now);

        Assert.Null(refused.Lease);
        Assert.Equal(Now.AddHours(20), refused.RetryAt);
    }

    [Fact]
    public void Should_only_extend_a_cooldown_never_shorten_it()
    {
        var here = Pool(new PoolKey("a"));

        here.Apply(new PoolVerdict("a", "key:a", Flash, PoolVerdictKind.CooledDown, Now.AddSeconds(120), "long"), Now);
        here.Apply(new PoolVerdict("a", "key:a", Flash, PoolVerdictKind.CooledDown, Now.AddSeconds(20), "short"), Now);

        Assert.Equal((Now.AddSeconds(120), "long"), (Quota(here, "a", Now)!.CooldownUntil, Quota(here, "a", Now)!.CooldownReason));
        here.Apply(new PoolVerdict("a", "key:a", Flash, PoolVerdictKind.CooledDown, Now.AddSeconds(300), "longer"), Now);
        Assert.Equal(Now.AddSeconds(300), Quota(here, "a", Now)!.CooldownUntil);
    }

    [Fact]
    public void Should_ignore_a_cooldown_whose_time_has_passed()
    {
        var here = Pool(new PoolKey("a"));

        here.Apply(new PoolVerdict("a", "key:a", Flash, PoolVerdictKind.CooledDown, Now.AddSeconds(30), "rate limited"), Now.AddSeconds(30));

        Assert.Null(Quota(here, "a", Now)?.CooldownUntil);
        Assert.Equal("a", here.Acquire(Flash, Now).Lease!.KeyId);
    }

    [Fact]
    public void Should_disable_a_key_rejected_elsewhere_until_it_is_enabled()
    {
        var here = Pool(new PoolKey("a"), new PoolKey("b"));

        here.Apply(new PoolVerdict("a", "key:a", Flash, PoolVerdictKind.Disabled, null, "upstream answered 401: API key not valid"), Now);
        here.Apply(new PoolVerdict("unknown", "key:unknown", Flash, PoolVerdictKind.Disabled, null, "not here"), Now);

        Assert.Equal("upstream answered 401: API key not valid", here.Status(Now).Single(s => s.KeyId == "a").DisabledReason);
        Assert.Equal("b", here.Acquire(Flash, Now.AddDays(3)).Lease!.KeyId);
        Assert.Equal(["a", "b"], here.Status(Now).Select(s => s.KeyId));
        here.Enable("a");
        Assert.Equal("a", here.Acquire(Flash, Now).Lease!.KeyId);
    }

    [Fact]
    public void Should_keep_a_cooldown_for_a_key_of_its_scope_added_afterwards()
    {
        var here = Pool();

        here.Apply(new PoolVerdict("a", "key:a", Flash, PoolVerdictKind.CooledDown, Now.AddSeconds(30), "rate limited"), Now);
        here.Add(new PoolKey("a"));

        Assert.Equal(Now.AddSeconds(30), here.Acquire(Flash, Now).RetryAt);
    }
}

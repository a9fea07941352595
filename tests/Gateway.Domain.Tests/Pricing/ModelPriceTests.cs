using Gateway.Domain.Chat;
using Gateway.Domain.Pricing;

namespace Gateway.Domain.Tests.Pricing;

/// <summary>Each kind of prompt token at its own price, in exact decimals, and a worst case no prompt can exceed.</summary>
public sealed class ModelPriceTests
{
    private static readonly DateTimeOffset June = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>claude-sonnet-4-5's list price: $3 in, $15 out, reads $0.30, 5-minute writes $3.75, 1-hour writes $6.</summary>
    private static readonly ModelPrice Sonnet = new("claude-sonnet-4-5", 3m, 15m, 0.30m, June, PriceSource.Api, 3.75m, 6m);

    [Fact]
    public void Should_split_the_cost_into_input_cache_reads_both_cache_writes_and_output_that_add_up_to_the_total()
    {
        // 1,000 uncached, 20,000 read, 2,000 written for 5 minutes, 1,000 for an hour; 500 out.
        var cost = Sonnet.Cost(new ChatUsage(24_000, 500, 20_000, 2_000, 1_000));

        Assert.Equal(new CostBreakdown(Input: 0.003m, CacheRead: 0.006m, CacheWrite5m: 0.0075m, CacheWrite1h: 0.006m, Output: 0.0075m), cost);
        Assert.Equal(0.03m, cost.Total);
    }

    [Fact]
    public void Should_bill_cache_tokens_without_a_price_of_their_own_as_input()
    {
        var plain = new ModelPrice("m", 3m, 15m, null, June, PriceSource.Api);

        var cost = plain.Cost(new ChatUsage(24_000, 500, 20_000, 2_000, 1_000));

        Assert.Equal(new CostBreakdown(0.003m, 0.06m, 0.006m, 0.003m, 0.0075m), cost);
        Assert.Equal(24_000 * 3m / 1_000_000 + 500 * 15m / 1_000_000, cost.Total);
    }

    [Fact]
    public void Should_never_bill_more_prompt_tokens_than_the_upstream_reported_whatever_its_parts_claim()
    {
        // 100 prompt tokens, of which 80 read and 50 + 50 written: reads first, then the hour, the rest nothing.
        var cost = Sonnet.Cost(new ChatUsage(100, 0, 80, 50, 50));

        Assert.Equal(new CostBreakdown(0m, 80 * 0.30m / 1_000_000, 0m, 20 * 6m / 1_000_000, 0m), cost);
    }

    [Fact]
    public void Should_hold_every_prompt_token_at_the_dearest_of_input_and_both_cache_writes_in_the_worst_case()
    {
        Assert.Equal(1_000 * 6m / 1_000_000 + 500 * 15m / 1_000_000, Sonnet.WorstCase(1_000, 500));
        Assert.Equal(1_000 * 3m / 1_000_000 + 500 * 15m / 1_000_000, (Sonnet with { CacheWritePerMillion = null, CacheWrite1hPerMillion = null }).WorstCase(1_000, 500));
        Assert.Equal(1_000 * 3.75m / 1_000_000, (Sonnet with { CacheWrite1hPerMillion = 1m }).WorstCase(1_000, 0));
    }

    [Fact]
    public void Should_ship_every_anthropic_model_with_cache_writes_at_one_and_a_quarter_and_twice_its_input_price_and_reads_at_a_tenth()
    {
        var claude = DefaultPrices.All.Where(p => p.Model.StartsWith("claude-", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(claude);
        Assert.All(claude, p =>
        {
            Assert.Equal(p.InputPerMillion * 1.25m, p.CacheWritePerMillion);
            Assert.Equal(p.InputPerMillion * 2m, p.CacheWrite1hPerMillion);
            Assert.Equal(p.InputPerMillion / 10, p.CachedInputPerMillion);
        });
        Assert.Equal((18.75m, 30m, 1.50m), (claude[0].CacheWritePerMillion!.Value, claude[0].CacheWrite1hPerMillion!.Value, claude[0].CachedInputPerMillion!.Value));
        Assert.All(DefaultPrices.All.Except(claude), p => Assert.True(p.CacheWritePerMillion is null && p.CacheWrite1hPerMillion is null, p.Model));
    }
}

using Gateway.Domain.Chat;
using Gateway.Domain.Pricing;

namespace Gateway.Domain.Tests.Pricing;

public sealed class PriceBookTests
{
    private static readonly DateTimeOffset June = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset July = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_price_a_request_at_the_version_in_force_when_it_ran()
    {
        var book = new PriceBook([
            new ModelPrice("gpt-4o", 2.5m, 10m, 1.25m, June, PriceSource.Api),
            new ModelPrice("gpt-4o", 2m, 8m, null, July, PriceSource.Api),
        ]);

        Assert.Equal(2.5m, book.PriceAt("openai", "gpt-4o", July.AddTicks(-1))!.InputPerMillion);
        Assert.Equal(2m, book.PriceAt("openai", "gpt-4o", July)!.InputPerMillion);
        Assert.Null(book.PriceAt("openai", "gpt-4o", June.AddTicks(-1)));
    }

    [Fact]
    public void Should_prefer_a_provider_scoped_price_then_the_model_then_its_family_and_a_higher_source()
    {
        var book = new PriceBook([.. DefaultPrices.All,
            new ModelPrice("gpt-4o-mini", 1m, 1m, null, DateTimeOffset.MinValue, PriceSource.Config),
            new ModelPrice("azure:gpt-4o-mini", 3m, 3m, null, DateTimeOffset.MinValue, PriceSource.Api)]);

        Assert.Equal(3m, book.PriceAt("azure", "gpt-4o-mini", July)!.InputPerMillion);
        Assert.Equal(1m, book.PriceAt("openai", "gpt-4o-mini", July)!.InputPerMillion);
        Assert.Equal(2.5m, book.PriceAt("openai", "gpt-4o-2024-08-06", July)!.InputPerMillion);
        Assert.Equal(0.10m, book.PriceAt("gemini", "gemini-2.5-flash-lite-preview-06-17", July)!.InputPerMillion);
    }

    [Fact]
    public void Should_cost_cached_prompt_tokens_at_their_own_price_in_exact_decimals()
    {
        var price = new ModelPrice("m", 3m, 15m, 0.30m, June, PriceSource.Shipped);

        // 1000 uncached at $3/M, 1000 cached at $0.30/M, 500 out at $15/M.
        Assert.Equal(0.0108m, price.Cost(new ChatUsage(2000, 500, 1000)).Total);
        Assert.Equal(0.0105m, price.WorstCase(1000, 500));
    }
}

using Gateway.Domain.Chat;

namespace Gateway.Domain.Pricing;

/// <summary>Where a price came from; a higher source overrides a lower one wholly for that model.</summary>
public enum PriceSource
{
    /// <summary>The table shipped with the gateway (<see cref="DefaultPrices"/>).</summary>
    Shipped,

    /// <summary>The <c>pricing:</c> section of the config file.</summary>
    Config,

    /// <summary>Set through <c>/v1/pricing</c>.</summary>
    Api,
}

/// <summary>
/// One version of a model's price, in US dollars per million tokens, in force from
/// <paramref name="EffectiveAt"/> until the next version of the same source. Money is decimal, never float.
/// </summary>
/// <param name="Model"><c>provider:model</c> for one provider instance, or a bare model name for any provider serving it.</param>
/// <param name="CachedInputPerMillion">Prompt tokens read from the upstream's cache; null: billed as input.</param>
public sealed record ModelPrice(
    string Model, decimal InputPerMillion, decimal OutputPerMillion, decimal? CachedInputPerMillion, DateTimeOffset EffectiveAt, PriceSource Source)
{
    private const decimal Million = 1_000_000m;

    /// <summary>What <paramref name="usage"/> costs at this price; cached tokens are part of the prompt tokens.</summary>
    public decimal Cost(ChatUsage usage)
    {
        var cached = Math.Clamp(usage.CachedTokens, 0, usage.PromptTokens);
        return ((usage.PromptTokens - cached) * InputPerMillion
                + cached * (CachedInputPerMillion ?? InputPerMillion)
                + usage.CompletionTokens * OutputPerMillion) / Million;
    }

    /// <summary>The most a request can cost: every prompt token uncached, every allowed output token produced.</summary>
    public decimal WorstCase(int promptTokens, int maxOutputTokens) =>
        (promptTokens * InputPerMillion + maxOutputTokens * OutputPerMillion) / Million;
}

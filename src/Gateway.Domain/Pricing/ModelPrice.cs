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
/// Each kind of prompt token has its own price; a kind without one (null) is billed as input.
/// </summary>
/// <param name="Model"><c>provider:model</c> for one provider instance, or a bare model name for any provider serving it.</param>
/// <param name="CachedInputPerMillion">Prompt tokens read from the upstream's cache; null: billed as input.</param>
/// <param name="CacheWritePerMillion">Prompt tokens written to the cache for 5 minutes (Anthropic's default lifetime); null: billed as input.</param>
/// <param name="CacheWrite1hPerMillion">Prompt tokens written to the cache for 1 hour; null: billed as input.</param>
public sealed record ModelPrice(
    string Model, decimal InputPerMillion, decimal OutputPerMillion, decimal? CachedInputPerMillion, DateTimeOffset EffectiveAt, PriceSource Source,
    decimal? CacheWritePerMillion = null, decimal? CacheWrite1hPerMillion = null)
{
    private const decimal Million = 1_000_000m;

    /// <summary>
    /// What <paramref name="usage"/> costs at this price, part by part. Cache reads and writes are parts of the prompt
    /// tokens: each prompt token is billed once, at the price of its kind, and whatever an upstream claims, no more
    /// prompt tokens than it reported (reads first, then 1-hour writes, then 5-minute writes; the rest is input).
    /// </summary>
    public CostBreakdown Cost(ChatUsage usage)
    {
        var prompt = Math.Max(0, usage.PromptTokens);
        var reads = Math.Clamp(usage.CachedTokens, 0, prompt);
        var oneHour = Math.Clamp(usage.CacheWrite1hTokens, 0, prompt - reads);
        var fiveMinutes = Math.Clamp(usage.CacheWrite5mTokens, 0, prompt - reads - oneHour);
        return new CostBreakdown(
            Dollars(prompt - reads - oneHour - fiveMinutes, InputPerMillion),
            Dollars(reads, CachedInputPerMillion ?? InputPerMillion),
            Dollars(fiveMinutes, CacheWritePerMillion ?? InputPerMillion),
            Dollars(oneHour, CacheWrite1hPerMillion ?? InputPerMillion),
            Dollars(Math.Max(0, usage.CompletionTokens), OutputPerMillion));
    }

    /// <summary>
    /// The most a request can cost: every prompt token at the dearest price a prompt token can have (any of them may
    /// be written to the cache, for either lifetime), every allowed output token produced.
    /// </summary>
    public decimal WorstCase(int promptTokens, int maxOutputTokens) =>
        Dollars(promptTokens, Math.Max(InputPerMillion, Math.Max(CacheWritePerMillion ?? InputPerMillion, CacheWrite1hPerMillion ?? InputPerMillion)))
        + Dollars(maxOutputTokens, OutputPerMillion);

    private static decimal Dollars(int tokens, decimal perMillion) => tokens * perMillion / Million;
}

/// <summary>What one request cost, in US dollars, by kind of token; <see cref="Total"/> is what it is charged.</summary>
/// <param name="Input">Prompt tokens neither read from nor written to the cache.</param>
/// <param name="CacheRead">Prompt tokens read from the cache.</param>
/// <param name="CacheWrite5m">Prompt tokens written to the cache for 5 minutes.</param>
/// <param name="CacheWrite1h">Prompt tokens written to the cache for 1 hour.</param>
/// <param name="Output">Completion tokens, thinking included.</param>
public sealed record CostBreakdown(decimal Input, decimal CacheRead, decimal CacheWrite5m, decimal CacheWrite1h, decimal Output)
{
    public decimal Total => Input + CacheRead + CacheWrite5m + CacheWrite1h + Output;
}

namespace Gateway.Domain.Pricing;

/// <summary>
/// List prices of common models, USD per million tokens (input / output / cached input, and cache writes for
/// Anthropic's models, the only ones billing them), as the providers published them on <see cref="AsOf"/>.
/// Bare model names, so they apply on any provider instance serving the model; dated variants take their
/// family's price. Override in the config file's <c>pricing:</c> section or through <c>/v1/pricing</c>.
/// </summary>
public static class DefaultPrices
{
    public static DateTimeOffset AsOf { get; } = new(2025, 9, 1, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<ModelPrice> All { get; } =
    [
        // OpenAI: https://openai.com/api/pricing
        P("gpt-5", 1.25m, 10m, 0.125m),
        P("gpt-5-mini", 0.25m, 2m, 0.025m),
        P("gpt-5-nano", 0.05m, 0.40m, 0.005m),
        P("gpt-4.1", 2m, 8m, 0.50m),
        P("gpt-4.1-mini", 0.40m, 1.60m, 0.10m),
        P("gpt-4.1-nano", 0.10m, 0.40m, 0.025m),
        P("gpt-4o", 2.50m, 10m, 1.25m),
        P("gpt-4o-mini", 0.15m, 0.60m, 0.075m),
        P("o3", 2m, 8m, 0.50m),
        P("o4-mini", 1.10m, 4.40m, 0.275m),
        P("text-embedding-3-small", 0.02m, 0m, null),
        P("text-embedding-3-large", 0.13m, 0m, null),
        P("omni-moderation-latest", 0m, 0m, null),

        // Anthropic: https://www.anthropic.com/pricing
        Claude("claude-opus-4-1", 15m, 75m),
        Claude("claude-opus-4", 15m, 75m),
        Claude("claude-sonnet-4-5", 3m, 15m),
        Claude("claude-sonnet-4", 3m, 15m),
        Claude("claude-3-7-sonnet", 3m, 15m),
        Claude("claude-haiku-4-5", 1m, 5m),
        Claude("claude-3-5-haiku", 0.80m, 4m),

        // Google: https://ai.google.dev/gemini-api/docs/pricing (paid tier, prompts up to 200k tokens)
        P("gemini-2.5-pro", 1.25m, 10m, 0.31m),
        P("gemini-2.5-flash", 0.30m, 2.50m, 0.075m),
        P("gemini-2.5-flash-lite", 0.10m, 0.40m, 0.025m),
        P("gemini-2.0-flash", 0.10m, 0.40m, 0.025m),
        P("gemini-2.0-flash-lite", 0.075m, 0.30m, null),
        P("gemini-embedding-001", 0.15m, 0m, null),
    ];

    private static ModelPrice P(string model, decimal input, decimal output, decimal? cached) =>
        new(model, input, output, cached, AsOf, PriceSource.Shipped);

    /// <summary>
    /// Anthropic prices prompt caching as multiples of a model's input price, the same for every model: a cache read
    /// costs 0.1x, a 5-minute cache write 1.25x, a 1-hour cache write 2x.
    /// </summary>
    private static ModelPrice Claude(string model, decimal input, decimal output) =>
        new(model, input, output, input * 0.1m, AsOf, PriceSource.Shipped, CacheWritePerMillion: input * 1.25m, CacheWrite1hPerMillion: input * 2m);
}

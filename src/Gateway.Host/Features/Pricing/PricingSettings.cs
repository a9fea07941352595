using System.Globalization;
using Gateway.Domain.Pricing;
using Gateway.Host.Hosting;

namespace Gateway.Host.Features.Pricing;

/// <summary>
/// The config file's <c>pricing:</c> list and <c>require_pricing</c> switch, checked at start:
/// a mistake stops the gateway with a line naming the field.
/// </summary>
internal sealed record PricingSettings(IReadOnlyList<ModelPrice> Configured, bool RequirePricing)
{
    internal sealed class Entry
    {
        public string Model { get; set; } = "";

        [ConfigurationKeyName("input_per_million")]
        public string? InputPerMillion { get; set; }

        [ConfigurationKeyName("output_per_million")]
        public string? OutputPerMillion { get; set; }

        [ConfigurationKeyName("cached_input_per_million")]
        public string? CachedInputPerMillion { get; set; }

        [ConfigurationKeyName("cache_write_per_million")]
        public string? CacheWritePerMillion { get; set; }

        [ConfigurationKeyName("cache_write_1h_per_million")]
        public string? CacheWrite1hPerMillion { get; set; }

        [ConfigurationKeyName("effective_at")]
        public string? EffectiveAt { get; set; }
    }

    public static PricingSettings FromConfiguration(IConfiguration configuration)
    {
        var entries = configuration.GetSection("pricing").Get<List<Entry>>() ?? [];
        var prices = new List<ModelPrice>();
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var at = $"pricing[{i}]";
            if (string.IsNullOrWhiteSpace(e.Model))
                throw new SettingsException($"{at}.model is required");
            // Read as text and parsed as decimal: a float in between would lose cents.
            var effective = DateTimeOffset.MinValue;
            if (e.EffectiveAt is not null && !DateTimeOffset.TryParse(e.EffectiveAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out effective))
                throw new SettingsException($"{at}.effective_at '{e.EffectiveAt}' is not a date and time (ISO 8601)");
            prices.Add(new ModelPrice(
                e.Model.Trim(), Money(e.InputPerMillion, $"{at}.input_per_million", required: true)!.Value,
                Money(e.OutputPerMillion, $"{at}.output_per_million", required: true)!.Value,
                Money(e.CachedInputPerMillion, $"{at}.cached_input_per_million", required: false), effective, PriceSource.Config,
                Money(e.CacheWritePerMillion, $"{at}.cache_write_per_million", required: false),
                Money(e.CacheWrite1hPerMillion, $"{at}.cache_write_1h_per_million", required: false)));
        }

        var require = configuration["require_pricing"];
        if (require is not null && !bool.TryParse(require, out _))
            throw new SettingsException($"require_pricing must be true or false, not '{require}'");
        return new PricingSettings(prices, require is not null && bool.Parse(require));
    }

    private static decimal? Money(string? text, string at, bool required)
    {
        if (text is null)
            return required ? throw new SettingsException($"{at} is required (USD per million tokens)") : null;
        if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) || value < 0)
            throw new SettingsException($"{at} '{text}' must be a number of US dollars per million tokens, zero or more");
        return value;
    }
}

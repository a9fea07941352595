namespace Gateway.Host.Features.Pricing;

/// <summary>Price versions set and withdrawn through the API; one stream per model, named <c>price:{model}</c>.</summary>
internal static class PriceEvents
{
    public const string Set = "price.set";
    public const string Deleted = "price.deleted";
    public const string StreamType = "price";

    public static string StreamId(string model) => "price:" + model.ToLowerInvariant();

    /// <remarks>The cache-write prices are absent from events stored before they existed: null, billed as input, as those writes were.</remarks>
    internal sealed record PriceSet(
        string Model, decimal InputPerMillion, decimal OutputPerMillion, decimal? CachedInputPerMillion, DateTimeOffset EffectiveAt,
        decimal? CacheWritePerMillion = null, decimal? CacheWrite1hPerMillion = null);

    internal sealed record PriceDeleted(string Model, DateTimeOffset EffectiveAt);
}

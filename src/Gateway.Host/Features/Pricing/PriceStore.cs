using Gateway.Domain.Pricing;
using Gateway.Host.Persistence;
using Npgsql;

namespace Gateway.Host.Features.Pricing;

/// <summary>
/// The price book every instance prices requests with: shipped prices, the config file's, and those
/// set through the API (loaded at start, reloaded on each NOTIFY). Readers take <see cref="Book"/>
/// without a lock; a change swaps in a new book.
/// </summary>
internal sealed class PriceStore(
    NpgsqlDataSource dataSource, PricingSettings settings, NotificationListener notifications, ILogger<PriceStore> logger)
    : NotifiedStore(notifications, PriceProjection.Channel, logger)
{
    private volatile PriceBook _book = new([.. DefaultPrices.All, .. settings.Configured]);

    public PriceBook Book => _book;

    public bool RequirePricing => settings.RequirePricing;

    /// <summary>
    /// The price of a model on a provider at a moment, for the request path: the one lookup every admission and
    /// every cost goes through (the rules of which entry applies are <see cref="PriceBook.PriceAt"/>'s).
    /// </summary>
    public ModelPrice? PriceAt(string provider, string model, DateTimeOffset at) => _book.PriceAt(provider, model, at);

    /// <summary>USD for <paramref name="usage"/>, part by part, at the price in force at <paramref name="at"/>; null without a provider, a model or a price.</summary>
    public CostBreakdown? Cost(string? provider, string? model, DateTimeOffset at, Gateway.Domain.Chat.ChatUsage usage) =>
        provider is null || model is null ? null : PriceAt(provider, model, at)?.Cost(usage);

    /// <summary>Prices are few: any change reloads them all.</summary>
    protected override async Task ApplyUnderGateAsync(string? id, CancellationToken ct)
    {
        var stored = new List<ModelPrice>();
        await using var cmd = dataSource.CreateCommand(
            "select model, effective_at, input_per_million, output_per_million, cached_input_per_million, cache_write_per_million, cache_write_1h_per_million from prices");
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                stored.Add(new ModelPrice(
                    r.GetString(0), r.GetDecimal(2), r.GetDecimal(3), Money(r, 4), r.GetFieldValue<DateTimeOffset>(1), PriceSource.Api, Money(r, 5), Money(r, 6)));
            }
        }

        _book = new PriceBook([.. DefaultPrices.All, .. settings.Configured, .. stored]);
    }

    private static decimal? Money(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDecimal(i);
}

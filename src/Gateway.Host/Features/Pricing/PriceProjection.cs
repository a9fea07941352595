using Gateway.Host.Http;
using Gateway.Host.Persistence;
using Gateway.Host.Persistence.EventStore;
using Npgsql;
using static Gateway.Host.Features.Pricing.PriceEvents;

namespace Gateway.Host.Features.Pricing;

/// <summary>Keeps the prices table in step with the price streams and tells every instance to reload.</summary>
internal sealed class PriceProjection() : NotifyingProjection(Channel)
{
    public const string Channel = "gateway_prices";

    protected override string? Write(StoredEvent e, NpgsqlCommand cmd)
    {
        string model;
        if (e.Type == Set)
        {
            var set = e.Deserialize<PriceSet>(GatewayJson.Options);
            model = set.Model;
            cmd.CommandText = """
                insert into prices (model, effective_at, input_per_million, output_per_million, cached_input_per_million, created_at,
                    cache_write_per_million, cache_write_1h_per_million)
                values ($1, $2, $3, $4, $5, $6, $7, $8)
                on conflict (model, effective_at) do update set input_per_million = excluded.input_per_million,
                    output_per_million = excluded.output_per_million, cached_input_per_million = excluded.cached_input_per_million,
                    cache_write_per_million = excluded.cache_write_per_million, cache_write_1h_per_million = excluded.cache_write_1h_per_million
                """;
            foreach (var value in new object?[]
            {
                set.Model, set.EffectiveAt, set.InputPerMillion, set.OutputPerMillion, set.CachedInputPerMillion, e.CreatedAt,
                set.CacheWritePerMillion, set.CacheWrite1hPerMillion,
            })
                cmd.Parameters.Add(new() { Value = value ?? DBNull.Value });
        }
        else if (e.Type == Deleted)
        {
            var deleted = e.Deserialize<PriceDeleted>(GatewayJson.Options);
            model = deleted.Model;
            cmd.CommandText = "delete from prices where model = $1 and effective_at = $2";
            cmd.Parameters.Add(new() { Value = deleted.Model });
            cmd.Parameters.Add(new() { Value = deleted.EffectiveAt });
        }
        else
        {
            return null;
        }

        return model;
    }
}

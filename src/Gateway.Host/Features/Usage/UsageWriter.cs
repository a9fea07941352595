using System.Text.Json;
using Gateway.Host.Features.Inference;
using Gateway.Host.Http;
using Npgsql;
using NpgsqlTypes;

namespace Gateway.Host.Features.Usage;

/// <summary>
/// Stores a batch of usage records in one statement: rows already stored (a replay) are skipped,
/// and the daily aggregates grow by exactly the rows inserted, in the same transaction.
/// </summary>
internal sealed class UsageWriter(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        with batch as (
            select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                $9::text[], $10::text[], $11::text[], $12::text[], $13::int[], $14::bool[], $15::float8[], $16::float8[], $17::int[], $18::int[],
                $19::int[], $20::bool[], $21::bool[], $22::numeric[], $23::jsonb[])
                as b(id, at, request_id, org_id, user_id, key_id, dialect, endpoint, requested_model, provider, model, upstream_key_id, status,
                     stream, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cached_tokens, usage_estimated, client_cancelled, cost, attempts)
        ), inserted as (
            insert into usage_records
            select * from batch
            on conflict (id) do nothing
            returning at, org_id, user_id, key_id, provider, model, status, prompt_tokens, completion_tokens, cached_tokens, cost
        ), daily as (
            insert into usage_daily
            select (at at time zone 'UTC')::date, coalesce(org_id, ''), coalesce(user_id, ''), coalesce(key_id, ''), coalesce(provider, ''),
                   coalesce(model, ''), count(*), count(*) filter (where status >= 400), sum(prompt_tokens), sum(completion_tokens),
                   sum(cached_tokens), coalesce(sum(cost), 0)
            from inserted
            group by 1, 2, 3, 4, 5, 6
            on conflict (day, org_id, user_id, key_id, provider, model) do update set
                requests = usage_daily.requests + excluded.requests, errors = usage_daily.errors + excluded.errors,
                prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens,
                completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens,
                cached_tokens = usage_daily.cached_tokens + excluded.cached_tokens, cost = usage_daily.cost + excluded.cost
        )
        select count(*) from inserted
        """;

    /// <returns>How many records were new.</returns>
    public async Task<long> WriteAsync(IReadOnlyList<InferenceRecord> records, CancellationToken ct)
    {
        if (records.Count == 0)
            return 0;
        await using var cmd = dataSource.CreateCommand(Sql);
        Add(cmd, records, r => r.Id);
        Add(cmd, records, r => r.StartedAt);
        Add(cmd, records, r => r.RequestId);
        Add(cmd, records, r => r.OrgId);
        Add(cmd, records, r => r.UserId);
        Add(cmd, records, r => r.KeyId);
        Add(cmd, records, r => r.Dialect);
        Add(cmd, records, r => r.Endpoint);
        Add(cmd, records, r => r.RequestedModel);
        Add(cmd, records, r => r.Provider);
        Add(cmd, records, r => r.UpstreamModel);
        Add(cmd, records, r => r.UpstreamKeyId);
        Add(cmd, records, r => r.Status);
        Add(cmd, records, r => r.Stream);
        Add(cmd, records, r => r.LatencyMs);
        Add(cmd, records, r => r.TimeToFirstTokenMs);
        Add(cmd, records, r => r.PromptTokens);
        Add(cmd, records, r => r.CompletionTokens);
        Add(cmd, records, r => r.CachedTokens);
        Add(cmd, records, r => r.UsageEstimated);
        Add(cmd, records, r => r.ClientCancelled);
        Add(cmd, records, r => r.Cost);
        cmd.Parameters.Add(new NpgsqlParameter<string[]>
        {
            TypedValue = [.. records.Select(r => JsonSerializer.Serialize(r.Attempts, GatewayJson.Options))],
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static void Add<T>(NpgsqlCommand cmd, IReadOnlyList<InferenceRecord> records, Func<InferenceRecord, T> column) =>
        cmd.Parameters.Add(new NpgsqlParameter<T[]> { TypedValue = [.. records.Select(column)] });
}

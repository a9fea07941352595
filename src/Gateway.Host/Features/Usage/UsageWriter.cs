using System.Text.Json;
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
                $19::int[], $20::bool[], $21::bool[], $22::numeric[], $23::jsonb[], $24::text[], $25::jsonb[], $26::int[], $27::int[],
                $28::numeric[], $29::numeric[], $30::numeric[], $31::numeric[], $32::numeric[])
                as b(id, at, request_id, org_id, user_id, key_id, dialect, endpoint, requested_model, provider, model, upstream_key_id, status,
                     stream, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cached_tokens, usage_estimated, client_cancelled, cost, attempts,
                     instance_id, charges, cache_write_5m_tokens, cache_write_1h_tokens, input_cost, cache_read_cost, cache_write_5m_cost,
                     cache_write_1h_cost, output_cost)
        ), inserted as (
            insert into usage_records
            select * from batch
            on conflict (id) do nothing
            returning id, at, org_id, user_id, key_id, provider, model, status, prompt_tokens, completion_tokens, cached_tokens, cost,
                instance_id, charges, cache_write_5m_tokens, cache_write_1h_tokens, input_cost, cache_read_cost, cache_write_5m_cost,
                cache_write_1h_cost, output_cost
        ), charged as (
            select c.budget_id, c.period_start, i.instance_id, coalesce(sum(i.cost), 0) as usd,
                   sum(i.prompt_tokens + i.completion_tokens) as tokens, count(*) as requests
            from inserted i cross join lateral jsonb_to_recordset(i.charges) as c(budget_id text, period_start timestamptz)
            group by 1, 2, 3
        ), spent as (
            insert into budget_periods (budget_id, period_start, spent_usd, spent_tokens, spent_requests)
            select budget_id, period_start, sum(usd), sum(tokens), sum(requests) from charged group by 1, 2
            on conflict (budget_id, period_start) do update set spent_usd = budget_periods.spent_usd + excluded.spent_usd,
                spent_tokens = budget_periods.spent_tokens + excluded.spent_tokens, spent_requests = budget_periods.spent_requests + excluded.spent_requests
        ), unleased as (
            -- Spend now stored leaves the lease it was spent from, so the headroom is not counted twice.
            update budget_leases l set usd = greatest(0, l.usd - c.usd), tokens = greatest(0, l.tokens - c.tokens),
                requests = greatest(0, l.requests - c.requests)
            from charged c where l.budget_id = c.budget_id and l.period_start = c.period_start and l.instance_id = c.instance_id
        ), daily as (
            insert into usage_daily
            select (at at time zone 'UTC')::date, coalesce(org_id, ''), coalesce(user_id, ''), coalesce(key_id, ''), coalesce(provider, ''),
                   coalesce(model, ''), count(*), count(*) filter (where status >= 400), sum(prompt_tokens), sum(completion_tokens),
                   sum(cached_tokens), coalesce(sum(cost), 0), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens),
                   coalesce(sum(input_cost), 0), coalesce(sum(cache_read_cost), 0), coalesce(sum(cache_write_5m_cost), 0),
                   coalesce(sum(cache_write_1h_cost), 0), coalesce(sum(output_cost), 0)
            from inserted
            group by 1, 2, 3, 4, 5, 6
            on conflict (day, org_id, user_id, key_id, provider, model) do update set
                requests = usage_daily.requests + excluded.requests, errors = usage_daily.errors + excluded.errors,
                prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens,
                completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens,
                cached_tokens = usage_daily.cached_tokens + excluded.cached_tokens, cost = usage_daily.cost + excluded.cost,
                cache_write_5m_tokens = usage_daily.cache_write_5m_tokens + excluded.cache_write_5m_tokens,
                cache_write_1h_tokens = usage_daily.cache_write_1h_tokens + excluded.cache_write_1h_tokens,
                input_cost = usage_daily.input_cost + excluded.input_cost, cache_read_cost = usage_daily.cache_read_cost + excluded.cache_read_cost,
                cache_write_5m_cost = usage_daily.cache_write_5m_cost + excluded.cache_write_5m_cost,
                cache_write_1h_cost = usage_daily.cache_write_1h_cost + excluded.cache_write_1h_cost,
                output_cost = usage_daily.output_cost + excluded.output_cost
        )
        select id from inserted
        """;

    /// <summary>
    /// Takes the row lock of every budget period the batch charges, in one fixed order, before the
    /// statement above touches periods and leases (whose order within one statement PostgreSQL leaves
    /// open). Lease grants lock a period, then its leases, too: with one order everywhere, a writer
    /// and a grant, or two instances' writers, queue instead of deadlocking.
    /// </summary>
    private const string LockPeriodsSql = """
        insert into budget_periods (budget_id, period_start)
        select budget_id, period_start from unnest($1::text[], $2::timestamptz[]) as p(budget_id, period_start)
        order by budget_id, period_start
        on conflict (budget_id, period_start) do update set spent_usd = budget_periods.spent_usd
        """;

    /// <returns>The ids of the records that were new (a replay returns none of those already stored).</returns>
    public async Task<HashSet<Guid>> WriteAsync(IReadOnlyList<InferenceRecord> records, CancellationToken ct)
    {
        var inserted = new HashSet<Guid>();
        if (records.Count == 0)
            return inserted;
        var periods = records.SelectMany(r => r.Charges ?? []).Select(c => (c.BudgetId, Start: c.PeriodStart.ToUniversalTime())).Distinct().ToList();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = periods.Count > 0 ? await conn.BeginTransactionAsync(ct) : null;
        if (tx is not null)
        {
            await using var locking = new NpgsqlCommand(LockPeriodsSql, conn, tx);
            locking.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. periods.Select(p => p.BudgetId)] });
            locking.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. periods.Select(p => p.Start)] });
            await locking.ExecuteNonQueryAsync(ct);
        }

        await using var cmd = new NpgsqlCommand(Sql, conn, tx);
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
        Add(cmd, records, r => r.Instance);
        cmd.Parameters.Add(new NpgsqlParameter<string[]>
        {
            TypedValue = [.. records.Select(r => JsonSerializer.Serialize(r.Charges ?? [], GatewayJson.Options))],
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
        Add(cmd, records, r => r.CacheWrite5mTokens);
        Add(cmd, records, r => r.CacheWrite1hTokens);
        Add(cmd, records, r => r.CostSplit?.Input);
        Add(cmd, records, r => r.CostSplit?.CacheRead);
        Add(cmd, records, r => r.CostSplit?.CacheWrite5m);
        Add(cmd, records, r => r.CostSplit?.CacheWrite1h);
        Add(cmd, records, r => r.CostSplit?.Output);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                inserted.Add(reader.GetGuid(0));
        }

        if (tx is not null)
            await tx.CommitAsync(ct);
        return inserted;
    }

    private static void Add<T>(NpgsqlCommand cmd, IReadOnlyList<InferenceRecord> records, Func<InferenceRecord, T> column) =>
        cmd.Parameters.Add(new NpgsqlParameter<T[]> { TypedValue = [.. records.Select(column)] });
}

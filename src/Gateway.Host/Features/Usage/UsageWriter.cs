using System.Text.Json;
using Gateway.Host.Http;
using Npgsql;
using NpgsqlTypes;
using static Gateway.Host.Features.Usage.UsageDailyTotals;

namespace Gateway.Host.Features.Usage;

/// <summary>
/// Stores a batch of usage records in one transaction: one insert of the batch sent as one array per
/// column (unnest), which skips rows already stored (a replay) and charges budgets for the rows it did
/// insert; the daily aggregates grow by exactly those rows, summed here first into one row per group.
/// </summary>
/// <remarks>
/// Arrays rather than binary COPY into a staging table: COPY binds and writes each of a row's 32 values
/// on its own (most of the writer's CPU), and the staging table was created and dropped in the catalog
/// for every batch; an array column is bound once and written in one loop (`bench usagewriter` has the figures).
/// </remarks>
internal sealed class UsageWriter(NpgsqlDataSource dataSource)
{
    /// <summary>The columns of a stored record, each sent as one array parameter, with what each holds.</summary>
    private static readonly Column[] Columns =
    [
        Column.Of("id", r => r.Id, NpgsqlDbType.Uuid),
        Column.Of("at", r => r.StartedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz),
        Column.Of("request_id", r => r.RequestId, NpgsqlDbType.Text),
        Column.Of("org_id", r => r.OrgId, NpgsqlDbType.Text),
        Column.Of("user_id", r => r.UserId, NpgsqlDbType.Text),
        Column.Of("key_id", r => r.KeyId, NpgsqlDbType.Text),
        Column.Of("dialect", r => r.Dialect, NpgsqlDbType.Text),
        Column.Of("endpoint", r => r.Endpoint, NpgsqlDbType.Text),
        Column.Of("requested_model", r => r.RequestedModel, NpgsqlDbType.Text),
        Column.Of("provider", r => r.Provider, NpgsqlDbType.Text),
        Column.Of("model", r => r.UpstreamModel, NpgsqlDbType.Text),
        Column.Of("upstream_key_id", r => r.UpstreamKeyId, NpgsqlDbType.Text),
        Column.Of("status", r => r.Status, NpgsqlDbType.Integer),
        Column.Of("stream", r => r.Stream, NpgsqlDbType.Boolean),
        Column.Of("latency_ms", r => r.LatencyMs, NpgsqlDbType.Double),
        Column.Of("ttft_ms", r => r.TimeToFirstTokenMs, NpgsqlDbType.Double),
        Column.Of("prompt_tokens", r => r.PromptTokens, NpgsqlDbType.Integer),
        Column.Of("completion_tokens", r => r.CompletionTokens, NpgsqlDbType.Integer),
        Column.Of("cached_tokens", r => r.CachedTokens, NpgsqlDbType.Integer),
        Column.Of("usage_estimated", r => r.UsageEstimated, NpgsqlDbType.Boolean),
        Column.Of("client_cancelled", r => r.ClientCancelled, NpgsqlDbType.Boolean),
        Column.Of("cost", r => Stored(r.Cost), NpgsqlDbType.Numeric),
        Column.Of("attempts", r => JsonSerializer.Serialize(r.Attempts, GatewayJson.Options), NpgsqlDbType.Jsonb),
        Column.Of("instance_id", r => r.Instance, NpgsqlDbType.Text),
        Column.Of("charges", r => JsonSerializer.Serialize(r.Charges ?? [], GatewayJson.Options), NpgsqlDbType.Jsonb),
        Column.Of("cache_write_5m_tokens", r => r.CacheWrite5mTokens, NpgsqlDbType.Integer),
        Column.Of("cache_write_1h_tokens", r => r.CacheWrite1hTokens, NpgsqlDbType.Integer),
        Column.Of("input_cost", r => Stored(r.CostSplit?.Input), NpgsqlDbType.Numeric),
        Column.Of("cache_read_cost", r => Stored(r.CostSplit?.CacheRead), NpgsqlDbType.Numeric),
        Column.Of("cache_write_5m_cost", r => Stored(r.CostSplit?.CacheWrite5m), NpgsqlDbType.Numeric),
        Column.Of("cache_write_1h_cost", r => Stored(r.CostSplit?.CacheWrite1h), NpgsqlDbType.Numeric),
        Column.Of("output_cost", r => Stored(r.CostSplit?.Output), NpgsqlDbType.Numeric),
    ];

    private static readonly string InsertSql = $$"""
        with inserted as (
            insert into usage_records ({{string.Join(", ", Columns.Select(c => c.Name))}})
            select * from unnest({{string.Join(", ", Columns.Select((c, i) => $"${i + 1}::{c.SqlType}[]"))}})
            on conflict (id, at) do nothing
            returning id, instance_id, charges, cost, prompt_tokens, completion_tokens
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
        )
        select id from inserted
        """;

    private const string DailySql = """
        insert into usage_daily (day, org_id, user_id, key_id, provider, model, requests, errors, prompt_tokens, completion_tokens,
            cached_tokens, cost, cache_write_5m_tokens, cache_write_1h_tokens, input_cost, cache_read_cost, cache_write_5m_cost,
            cache_write_1h_cost, output_cost)
        select * from unnest($1::date[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[], $8::int8[], $9::int8[],
            $10::int8[], $11::int8[], $12::numeric[], $13::int8[], $14::int8[], $15::numeric[], $16::numeric[], $17::numeric[],
            $18::numeric[], $19::numeric[])
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
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (periods.Count > 0)
        {
            await using var locking = new NpgsqlCommand(LockPeriodsSql, conn, tx);
            locking.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. periods.Select(p => p.BudgetId)] });
            locking.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. periods.Select(p => p.Start)] });
            await locking.ExecuteNonQueryAsync(ct);
        }

        await using (var insert = new NpgsqlCommand(InsertSql, conn, tx))
        {
            foreach (var column in Columns)
                insert.Parameters.Add(column.Values(records));
            await using var reader = await insert.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                inserted.Add(reader.GetGuid(0));
        }

        // A record twice in one batch is stored, and counted, once.
        var uncounted = new HashSet<Guid>(inserted);
        await AddDailyAsync(conn, tx, Of(records.Where(r => uncounted.Remove(r.Id))), ct);
        await tx.CommitAsync(ct);
        return inserted;
    }

    private static async Task AddDailyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SortedDictionary<Group, Totals> groups, CancellationToken ct)
    {
        if (groups.Count == 0)
            return;
        await using var cmd = new NpgsqlCommand(DailySql, conn, tx);
        Add(cmd, groups.Keys, g => g.Day);
        Add(cmd, groups.Keys, g => g.OrgId);
        Add(cmd, groups.Keys, g => g.UserId);
        Add(cmd, groups.Keys, g => g.KeyId);
        Add(cmd, groups.Keys, g => g.Provider);
        Add(cmd, groups.Keys, g => g.Model);
        Add(cmd, groups.Values, t => t.Requests);
        Add(cmd, groups.Values, t => t.Errors);
        Add(cmd, groups.Values, t => t.PromptTokens);
        Add(cmd, groups.Values, t => t.CompletionTokens);
        Add(cmd, groups.Values, t => t.CachedTokens);
        Add(cmd, groups.Values, t => t.Cost);
        Add(cmd, groups.Values, t => t.CacheWrite5mTokens);
        Add(cmd, groups.Values, t => t.CacheWrite1hTokens);
        Add(cmd, groups.Values, t => t.InputCost);
        Add(cmd, groups.Values, t => t.CacheReadCost);
        Add(cmd, groups.Values, t => t.CacheWrite5mCost);
        Add(cmd, groups.Values, t => t.CacheWrite1hCost);
        Add(cmd, groups.Values, t => t.OutputCost);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void Add<TItem, T>(NpgsqlCommand cmd, IEnumerable<TItem> items, Func<TItem, T> column) =>
        cmd.Parameters.Add(new NpgsqlParameter<T[]> { TypedValue = [.. items.Select(column)] });

    /// <summary>One column of the insert: its name, its PostgreSQL type, and how the batch's values are bound as one array.</summary>
    private sealed record Column(string Name, string SqlType, Func<IReadOnlyList<InferenceRecord>, NpgsqlParameter> Values)
    {
        public static Column Of<T>(string name, Func<InferenceRecord, T> value, NpgsqlDbType type) =>
            new(name, SqlTypes[type], records =>
            {
                var values = new T[records.Count];
                for (var i = 0; i < values.Length; i++)
                    values[i] = value(records[i]);
                return new NpgsqlParameter<T[]> { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | type };
            });

        private static readonly Dictionary<NpgsqlDbType, string> SqlTypes = new()
        {
            [NpgsqlDbType.Uuid] = "uuid", [NpgsqlDbType.TimestampTz] = "timestamptz", [NpgsqlDbType.Text] = "text", [NpgsqlDbType.Integer] = "int4",
            [NpgsqlDbType.Boolean] = "bool", [NpgsqlDbType.Double] = "float8", [NpgsqlDbType.Numeric] = "numeric", [NpgsqlDbType.Jsonb] = "jsonb",
        };
    }
}

using System.Runtime.CompilerServices;
using System.Text.Json;
using Gateway.Host.Http;
using Npgsql;

namespace Gateway.Host.Features.Usage;

/// <summary>One request as stored: who made it, what served it, its tokens, cost and timing, and every attempt.</summary>
/// <param name="At">When the request started (UTC). A request is stored when it ends, at its start time.</param>
/// <param name="RequestId">The gateway's id for the request (its trace identifier).</param>
/// <param name="UserId">Null for an organization-owned key.</param>
/// <param name="Dialect">The client's wire dialect: openai, anthropic or gemini.</param>
/// <param name="RequestedModel">The model as the client asked for it (an alias, <c>provider:model</c>, or a bare name).</param>
/// <param name="Provider">The provider instance that served it; null when none was reached.</param>
/// <param name="Model">The upstream model that served it; null when none was reached.</param>
/// <param name="UpstreamKeyId">The provider key that served it (an id derived from the key, never the key).</param>
/// <param name="Status">The HTTP status the client got.</param>
/// <param name="PromptTokens">Every prompt token: uncached ones, cache reads and cache writes.</param>
/// <param name="CachedTokens">Prompt tokens read from the provider's cache (part of prompt_tokens).</param>
/// <param name="CacheWrite5mTokens">Prompt tokens written to the provider's cache for 5 minutes (part of prompt_tokens; only Anthropic reports writes).</param>
/// <param name="CacheWrite1hTokens">Prompt tokens written to the provider's cache for 1 hour (part of prompt_tokens).</param>
/// <param name="UsageEstimated">True when the upstream never reported usage (the client left mid-stream) and tokens were estimated.</param>
/// <param name="CostUsd">USD at the price in force when the request started; null when the model has no price. The sum of the five parts that follow.</param>
/// <param name="InputCostUsd">USD for the prompt tokens neither read from nor written to the cache. The parts are null when the model has no price, and for requests stored before costs were split.</param>
/// <param name="CacheReadCostUsd">USD for the cache reads.</param>
/// <param name="CacheWrite5mCostUsd">USD for the 5-minute cache writes.</param>
/// <param name="CacheWrite1hCostUsd">USD for the 1-hour cache writes.</param>
/// <param name="OutputCostUsd">USD for the completion tokens.</param>
/// <param name="TtftMs">Time to first token, for streams.</param>
/// <param name="Attempts">Every upstream attempt in order, with its outcome.</param>
internal sealed record UsageRow(
    Guid Id, DateTimeOffset At, string RequestId, string? OrgId, string? UserId, string? KeyId, string Endpoint, string Dialect,
    string RequestedModel, string? Provider, string? Model, string? UpstreamKeyId, int Status, bool Stream,
    int PromptTokens, int CompletionTokens, int CachedTokens, int CacheWrite5mTokens, int CacheWrite1hTokens, bool UsageEstimated,
    decimal? CostUsd, decimal? InputCostUsd, decimal? CacheReadCostUsd, decimal? CacheWrite5mCostUsd, decimal? CacheWrite1hCostUsd, decimal? OutputCostUsd,
    double LatencyMs, double? TtftMs, bool ClientCancelled, IReadOnlyList<AttemptRecord> Attempts);

/// <summary>Reads <c>usage_records</c> newest first, by (at, id) so a page boundary is exact even among rows of the same microsecond.</summary>
internal static class UsageRows
{
    private const string Columns = """
        id, at, request_id, org_id, user_id, key_id, endpoint, dialect, requested_model, provider, model, upstream_key_id, status, stream,
        prompt_tokens, completion_tokens, cached_tokens, cache_write_5m_tokens, cache_write_1h_tokens, usage_estimated,
        cost, input_cost, cache_read_cost, cache_write_5m_cost, cache_write_1h_cost, output_cost, latency_ms, ttft_ms, client_cancelled, attempts::text
        """;

    private const int ExportPage = 1000;

    /// <summary>
    /// Every matching row, read a page at a time: each page is a short query, so a slow download never
    /// holds a pooled connection (or an old snapshot) for its whole length.
    /// </summary>
    public static async IAsyncEnumerable<UsageRow> AllAsync(NpgsqlDataSource db, UsageFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        UsageCursor? after = null;
        while (true)
        {
            var page = await ReadAsync(db, filter, after, ExportPage, ct);
            foreach (var row in page)
                yield return row;
            if (page.Count < ExportPage)
                yield break;
            after = new UsageCursor(page[^1].At, page[^1].Id);
        }
    }

    /// <param name="after">Rows older than this position only (the previous page's last).</param>
    public static async Task<List<UsageRow>> ReadAsync(NpgsqlDataSource db, UsageFilter filter, UsageCursor? after, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand();
        // Only the most specific owner named: the others follow from it (UsageAccess answers 404 where
        // they would not), and a second owner condition would make the planner intersect two indexes and
        // sort all that user's rows for every page instead of walking one index in (at, id) order.
        var sql = UsageSql.For(cmd, filter)
            .Add("key_id = {0}", filter.KeyId)
            .Add("user_id = {0}", filter.KeyId is null ? filter.UserId : null)
            .Add("org_id = {0}", filter.KeyId is null && filter.UserId is null ? filter.OrgId : null)
            .Add("at >= {0}", filter.From)
            .Add("at < {0}", filter.To)
            .Add("status = {0}", filter.Status)
            .Add("status >= {0}", filter.ErrorsOnly ? 400 : null)
            .Add("dialect = {0}", filter.Dialect)
            .Add("endpoint = {0}", filter.Endpoint)
            .Add("(at, id) < ({0}, {1})", after?.At, after?.Id);
        cmd.CommandText = $"select {Columns} from usage_records {sql.Where} order by at desc, id desc limit {sql.Parameter(limit)}";
        var rows = new List<UsageRow>(limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(Read(reader));
        return rows;
    }

    private static UsageRow Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), Text(r, 3), Text(r, 4), Text(r, 5), r.GetString(6), r.GetString(7),
        r.GetString(8), Text(r, 9), Text(r, 10), Text(r, 11), r.GetInt32(12), r.GetBoolean(13),
        r.GetInt32(14), r.GetInt32(15), r.GetInt32(16), r.GetInt32(17), r.GetInt32(18), r.GetBoolean(19),
        Money(r, 20), Money(r, 21), Money(r, 22), Money(r, 23), Money(r, 24), Money(r, 25),
        r.GetDouble(26), r.IsDBNull(27) ? null : r.GetDouble(27), r.GetBoolean(28),
        JsonSerializer.Deserialize<List<AttemptRecord>>(r.GetString(29), GatewayJson.Options)!);

    private static decimal? Money(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDecimal(i);

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}

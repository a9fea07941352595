using System.Runtime.CompilerServices;
using Npgsql;

namespace Gateway.Host.Features.Usage;

/// <summary>Usage added up over one group, or over everything (the totals).</summary>
/// <param name="Group">The group's value for each group_by dimension, by column name (day as YYYY-MM-DD); null means none, e.g. no user for an organization-owned key. Empty for the totals.</param>
/// <param name="Errors">Requests answered with status 400 or above.</param>
/// <param name="PromptTokens">Every prompt token, cache reads and writes included.</param>
/// <param name="CachedTokens">Prompt tokens read from the cache.</param>
/// <param name="CacheWrite5mTokens">Prompt tokens written to the cache for 5 minutes.</param>
/// <param name="CacheWrite1hTokens">Prompt tokens written to the cache for 1 hour.</param>
/// <param name="CostUsd">USD; requests of models without a price count 0.</param>
/// <param name="InputCostUsd">USD of uncached prompt tokens. The five parts add up to cost_usd, except over requests stored before costs were split, which count 0 in every part.</param>
/// <param name="CacheReadCostUsd">USD of cache reads.</param>
/// <param name="CacheWrite5mCostUsd">USD of 5-minute cache writes.</param>
/// <param name="CacheWrite1hCostUsd">USD of 1-hour cache writes.</param>
/// <param name="OutputCostUsd">USD of completion tokens.</param>
internal sealed record UsageGroup(
    IReadOnlyDictionary<string, string?> Group, long Requests, long Errors, long PromptTokens, long CompletionTokens, long CachedTokens,
    long CacheWrite5mTokens, long CacheWrite1hTokens, decimal CostUsd, decimal InputCostUsd, decimal CacheReadCostUsd, decimal CacheWrite5mCostUsd,
    decimal CacheWrite1hCostUsd, decimal OutputCostUsd);

/// <param name="GroupBy">The dimensions asked for, in order, named as the keys of each group: day, org_id, user_id, key_id, provider, model.</param>
/// <param name="Data">One entry per group that had requests, ordered by the group's values.</param>
/// <param name="Totals">Everything in range and filter, summed: equal to the sum of data.</param>
internal sealed record UsageSummaryResponse(IReadOnlyList<string> GroupBy, IReadOnlyList<UsageGroup> Data, UsageGroup Totals);

/// <summary>
/// Sums <c>usage_daily</c>, which is kept forever (retention only deletes old usage_records), so a
/// summary covers every day ever served. The totals come from the same scan (an empty grouping set),
/// and come first.
/// </summary>
internal static class UsageSummary
{
    /// <param name="limit">At most this many rows, totals included; null streams every group.</param>
    public static async IAsyncEnumerable<UsageGroup> ReadAsync(
        NpgsqlDataSource db, UsageFilter filter, IReadOnlyList<UsageDimension> groupBy, int? limit, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = db.CreateCommand();
        // Every owner named: usage_daily is indexed by organization, which narrows the scan for the others.
        var sql = UsageSql.For(cmd, filter)
            .Add("org_id = {0}", filter.OrgId)
            .Add("user_id = {0}", filter.UserId)
            .Add("key_id = {0}", filter.KeyId)
            .Add("day >= {0}", filter.From is { } from ? DateOnly.FromDateTime(from.UtcDateTime) : null)
            .Add("day < {0}", filter.To is { } to ? DateOnly.FromDateTime(to.UtcDateTime) : null);
        var columns = string.Join(", ", groupBy.Select(d => d.Column));
        // '' stands for none in usage_daily's key; the API says null.
        var values = string.Join(", ", groupBy.Select(d => d.Column == "day" ? "to_char(day, 'YYYY-MM-DD')" : $"nullif({d.Column}, '')"));
        cmd.CommandText = $"""
            select grouping({columns}) <> 0 as total, {values},
                   coalesce(sum(requests), 0)::bigint, coalesce(sum(errors), 0)::bigint, coalesce(sum(prompt_tokens), 0)::bigint,
                   coalesce(sum(completion_tokens), 0)::bigint, coalesce(sum(cached_tokens), 0)::bigint,
                   coalesce(sum(cache_write_5m_tokens), 0)::bigint, coalesce(sum(cache_write_1h_tokens), 0)::bigint, coalesce(sum(cost), 0),
                   coalesce(sum(input_cost), 0), coalesce(sum(cache_read_cost), 0), coalesce(sum(cache_write_5m_cost), 0),
                   coalesce(sum(cache_write_1h_cost), 0), coalesce(sum(output_cost), 0)
            from usage_daily {sql.Where}
            group by grouping sets (({columns}), ())
            order by total desc, {columns}
            """ + (limit is null ? "" : $" limit {sql.Parameter(limit.Value)}");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var first = groupBy.Count + 1;
        while (await reader.ReadAsync(ct))
        {
            var group = reader.GetBoolean(0)
                ? new Dictionary<string, string?>()
                : groupBy.Select((d, i) => (d.Column, Value: reader.IsDBNull(i + 1) ? null : reader.GetString(i + 1))).ToDictionary(p => p.Column, p => p.Value);
            yield return new UsageGroup(
                group, reader.GetInt64(first), reader.GetInt64(first + 1), reader.GetInt64(first + 2), reader.GetInt64(first + 3),
                reader.GetInt64(first + 4), reader.GetInt64(first + 5), reader.GetInt64(first + 6), reader.GetDecimal(first + 7),
                reader.GetDecimal(first + 8), reader.GetDecimal(first + 9), reader.GetDecimal(first + 10), reader.GetDecimal(first + 11),
                reader.GetDecimal(first + 12));
        }
    }
}

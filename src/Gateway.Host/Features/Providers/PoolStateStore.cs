using Gateway.Domain.Upstreams;
using Gateway.Host.Persistence;
using Npgsql;

namespace Gateway.Host.Features.Providers;

/// <summary>
/// Brings what other instances' pools learned (<see cref="PoolStateWriter"/>) into this instance's pools: every live
/// row at start, so a restart keeps its cooldowns, then one provider's rows as its NOTIFY arrives, and all again after
/// a reconnect. Cooldowns only ever extend, so applying a row twice, or this instance's own, changes nothing.
/// </summary>
internal sealed class PoolStateStore(
    NpgsqlDataSource dataSource, ProviderRegistry registry, TimeProvider time, NotificationListener notifications, ILogger<PoolStateStore> logger)
    : NotifiedStore(notifications, Channel, logger)
{
    public const string Channel = "gateway_pool_state";

    /// <summary>Applies one provider's live rows (or every provider's, with null) to its pool.</summary>
    protected override async Task ApplyUnderGateAsync(string? provider, CancellationToken ct)
    {
        // This instance's clock decides what has ended, as it does for its own cooldowns.
        var now = time.GetUtcNow();
        await using var cmd = dataSource.CreateCommand("""
            select provider, kind, scope, quota_group, key_id, until, reason from pool_key_state
            where ($1::text is null or provider = $1) and (until is null or until > $2)
            """);
        cmd.Parameters.Add(new() { Value = (object?)provider ?? DBNull.Value });
        cmd.Parameters.Add(new() { Value = now.ToUniversalTime() });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (registry.Providers.TryGetValue(r.GetString(0), out var found))
            {
                found.Pool.Apply(
                    new PoolVerdict(r.GetString(4), r.GetString(2), r.GetString(3), PoolStateRows.Kind(r.GetString(1)), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), r.GetString(6)),
                    now);
            }
        }
    }
}

/// <summary>How <c>pool_key_state</c> spells a verdict's kind (cooled_down, daily_exhausted, disabled).</summary>
internal static class PoolStateRows
{
    public static string KindName(PoolVerdictKind kind) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    public static PoolVerdictKind Kind(string name) => Enum.Parse<PoolVerdictKind>(name.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
}

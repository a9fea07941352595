using Gateway.Domain.Upstreams;
using Gateway.Host.Persistence;
using Gateway.Host.Persistence.EventStore;
using Npgsql;

namespace Gateway.Host.Features.Providers;

/// <summary>
/// Brings run-time provider key changes into this instance's pools: all stored keys at start (opened
/// with the master key), then each change as its NOTIFY arrives, and everything again after a reconnect.
/// A key is out of rotation while an operator disabled it or an upstream rejected it (<c>pool_key_state</c>,
/// cleared when an operator enables it), so a reload never puts back a key some instance saw rejected.
/// </summary>
internal sealed partial class ProviderKeyStore(
    NpgsqlDataSource dataSource, ProviderRegistry registry, SecretBox box, EventStore store, NotificationListener notifications,
    ILogger<ProviderKeyStore> logger) : NotifiedStore(notifications, ProviderKeyProjection.Channel, logger)
{
    /// <summary>Applies one key's stored state (or every key's, with null) to its pool.</summary>
    protected override async Task ApplyUnderGateAsync(string? keyId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select k.id, k.provider, k.label, k.last_four, k.sealed_secret, k.project, k.priority, k.weight, k.max_concurrency, k.rpm, k.rpd, k.tpm,
                coalesce(k.disabled_reason, s.reason), k.removed, k.limits_table
            from provider_keys k
            left join pool_key_state s on s.kind = 'disabled' and s.provider = k.provider and s.key_id = k.id
            where $1::text is null or k.id = $1
            """);
        cmd.Parameters.Add(new() { Value = (object?)keyId ?? DBNull.Value });
        var found = false;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                found = true;
                var id = r.GetString(0);
                if (!registry.Providers.TryGetValue(r.GetString(1), out var provider))
                {
                    LogUnknownProvider(id, r.GetString(1));
                    continue;
                }

                if (r.GetBoolean(13))
                {
                    provider.Keys.TryRemove(id, out _);
                    provider.Pool.Remove(id);
                    continue;
                }

                if (!provider.Keys.ContainsKey(id))
                {
                    provider.Keys[id] = new UpstreamKey(id, box.Open(r.GetString(4)), r.GetString(2), r.GetString(3));
                    provider.Pool.Add(new PoolKey(
                        id, r.IsDBNull(5) ? null : r.GetString(5), r.GetInt32(6), r.GetDouble(7), r.IsDBNull(8) ? null : r.GetInt32(8),
                        new QuotaLimits(r.IsDBNull(9) ? null : r.GetInt32(9), r.IsDBNull(10) ? null : r.GetInt32(10), r.IsDBNull(11) ? null : r.GetInt32(11)),
                        provider.TableFor(r.IsDBNull(14) ? null : r.GetString(14))));
                }

                Apply(provider, id, r.IsDBNull(12) ? null : r.GetString(12));
            }
        }

        // A key from the config file has no row: its operator state lives in its stream alone.
        if (!found && keyId is not null && registry.ProviderOf(keyId) is { } configured)
        {
            var events = await store.ReadStreamAsync(keyId, 0, ct);
            if (events.Count > 0)
            {
                var byOperator = events[^1].Type == ProviderKeyEvents.Disabled ? events[^1].Deserialize<ProviderKeyEvents.KeyDisabled>(Http.GatewayJson.Options).Reason : null;
                Apply(configured, keyId, byOperator ?? await RejectedAsync(configured, keyId, ct));
            }
        }

        if (keyId is null)
        {
            foreach (var provider in registry.Providers.Values)
            {
                foreach (var configuredKey in provider.ConfiguredKeys)
                    await ApplyUnderGateAsync(configuredKey, ct);
            }
        }
    }

    /// <summary>Why an upstream rejected the key, as some instance's pool recorded it; null when none did.</summary>
    private async Task<string?> RejectedAsync(Provider provider, string keyId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select reason from pool_key_state where kind = 'disabled' and provider = $1 and key_id = $2");
        cmd.Parameters.Add(new() { Value = provider.Name });
        cmd.Parameters.Add(new() { Value = keyId });
        return (string?)await cmd.ExecuteScalarAsync(ct);
    }

    private static void Apply(Provider provider, string keyId, string? disabledReason)
    {
        if (disabledReason is null)
            provider.Pool.Enable(keyId);
        else
            provider.Pool.Disable(keyId, disabledReason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored provider key {KeyId} belongs to provider {Provider}, which the configuration no longer declares")]
    private partial void LogUnknownProvider(string keyId, string provider);
}

using Gateway.Domain.Upstreams.Sharing;
using System.Text.Json;
using Gateway.Host.Features.Auth;
using Gateway.Host.Http;
using Gateway.Host.Persistence;
using Npgsql;

namespace Gateway.Host.Features.Providers;

/// <summary>
/// Brings providers declared at run time into the registry: all of them at start (before their keys
/// are loaded), then each change as its NOTIFY arrives, reloading the keys stored for it.
/// </summary>
internal sealed class ProviderStore(
    NpgsqlDataSource dataSource, ProviderRegistry registry, KeySecrets secrets, QuotaShares shares, NotificationListener notifications,
    IServiceProvider services, ILogger<ProviderStore> logger) : NotifiedStore(notifications, ProviderProjection.Channel, logger)
{
    // The stored version applied per provider: a reload after a reconnect must not rebuild (and so
    // empty the pool of) a provider that did not change.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _applied = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Applies one provider's stored state (or every one's, with null), then the keys stored for it.</summary>
    protected override async Task ApplyUnderGateAsync(string? name, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select name, spec::text, removed, version from providers where $1::text is null or name = $1");
        cmd.Parameters.Add(new() { Value = (object?)name ?? DBNull.Value });
        var changed = false;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var provider = reader.GetString(0);
                var version = reader.GetInt64(3);
                if (registry.Configured.Contains(provider) || _applied.TryGetValue(provider, out var applied) && applied == version)
                    continue;
                _applied[provider] = version;
                if (reader.GetBoolean(2))
                {
                    registry.Remove(provider);
                }
                else
                {
                    var spec = JsonSerializer.Deserialize<ProviderSpec>(reader.GetString(1), GatewayJson.Options)!;
                    registry.Put(ProviderRegistry.Build(spec.ToConfig(provider), secrets, shares));
                }

                changed = true;
            }
        }

        // A provider built afresh has an empty pool: its stored keys go back in. (Resolved late: the
        // key store depends on the registry this store fills first.)
        // Its stored keys and what the pools learned of them go back in. (Resolved late: the key store
        // depends on the registry this store fills first.)
        if (changed)
        {
            await services.GetRequiredService<ProviderKeyStore>().ApplyAsync(null, ct);
            await services.GetRequiredService<PoolStateStore>().ApplyAsync(null, ct);
        }
    }
}

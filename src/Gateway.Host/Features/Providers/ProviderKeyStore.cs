using Gateway.Domain.Upstreams;
using Gateway.Host.Persistence;
using Gateway.Host.Persistence.EventStore;
using Npgsql;

namespace Gateway.Host.Features.Providers;

/// <summary>
/// Brings run-time provider key changes into this instance's pools: all stored keys at start (opened
/// with the master key), then each change as its NOTIFY arrives, and everything again after a reconnect.
/// </summary>
internal sealed partial class ProviderKeyStore(
    NpgsqlDataSource dataSource, ProviderRegistry registry, SecretBox box, EventStore store, NotificationListener notifications,
    ILogger<ProviderKeyStore> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ApplyAsync(null, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        notifications.RunAsync(
            ProviderKeyProjection.Channel,
            keyId => _ = ApplyLoggedAsync(keyId, stoppingToken),
            ct => ApplyAsync(null, ct),
            TimeSpan.FromSeconds(1),
            stoppingToken);

    // One apply at a time: a full reload and a single change racing could otherwise each see the
    // other's half-done work (a version recorded, the provider not yet in the registry).
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Applies one key's stored state (or every key's, with null) to its pool.</summary>
    public async Task ApplyAsync(string? keyId, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await ApplyUnderGateAsync(keyId, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ApplyUnderGateAsync(string? keyId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select id, provider, label, last_four, sealed_secret, project, priority, weight, max_concurrency, rpm, rpd, tpm, disabled_reason, removed
            from provider_keys where $1::text is null or id = $1
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
                        new QuotaLimits(r.IsDBNull(9) ? null : r.GetInt32(9), r.IsDBNull(10) ? null : r.GetInt32(10), r.IsDBNull(11) ? null : r.GetInt32(11))));
                }

                Apply(provider, id, r.IsDBNull(12) ? null : r.GetString(12));
            }
        }

        // A key from the config file has no row: its operator state lives in its stream alone.
        if (!found && keyId is not null && registry.ProviderOf(keyId) is { } configured)
        {
            var events = await store.ReadStreamAsync(keyId, 0, ct);
            if (events.Count > 0)
                Apply(configured, keyId, events[^1].Type == ProviderKeyEvents.Disabled ? events[^1].Deserialize<ProviderKeyEvents.KeyDisabled>(Http.GatewayJson.Options).Reason : null);
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

    private static void Apply(Provider provider, string keyId, string? disabledReason)
    {
        if (disabledReason is null)
            provider.Pool.Enable(keyId);
        else
            provider.Pool.Disable(keyId, disabledReason);
    }

    private async Task ApplyLoggedAsync(string keyId, CancellationToken ct)
    {
        try
        {
            await ApplyAsync(keyId, ct);
        }
        catch (Exception e) when (e is NpgsqlException or System.Security.Cryptography.CryptographicException or TimeoutException)
        {
            LogApplyFailed(e, keyId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored provider key {KeyId} belongs to provider {Provider}, which the configuration no longer declares")]
    private partial void LogUnknownProvider(string keyId, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not apply the change to provider key {KeyId}; the next reload will")]
    private partial void LogApplyFailed(Exception exception, string keyId);
}

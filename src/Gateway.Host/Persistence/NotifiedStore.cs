using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Host.Hosting;
using Npgsql;

namespace Gateway.Host.Persistence;

/// <summary>
/// In-memory state kept from stored rows: everything at start, then each changed item as its NOTIFY
/// arrives, and everything again after a reconnect (notifications sent meanwhile are lost). One apply
/// at a time, so a full reload and a single change never see each other's half-done work.
/// </summary>
internal abstract partial class NotifiedStore(NotificationListener notifications, string channel, ILogger logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ApplyAsync(null, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Applies one item's stored state, or every item's with null.</summary>
    public async Task ApplyAsync(string? id, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await ApplyUnderGateAsync(id, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The apply itself; callers inside it call this, never <see cref="ApplyAsync"/> (the gate is not re-entrant).</summary>
    protected abstract Task ApplyUnderGateAsync(string? id, CancellationToken ct);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        notifications.RunAsync(channel, id => _ = ApplyLoggedAsync(id, stoppingToken), ct => ApplyAsync(null, ct), TimeSpan.FromSeconds(1), stoppingToken);

    private async Task ApplyLoggedAsync(string id, CancellationToken ct)
    {
        try
        {
            await ApplyAsync(id, ct);
        }
        catch (Exception e) when (e is NpgsqlException or CryptographicException or SettingsException or JsonException or TimeoutException)
        {
            LogApplyFailed(logger, e, channel, id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not apply the change {Channel}/{Id}; the next full reload will")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string channel, string id);
}

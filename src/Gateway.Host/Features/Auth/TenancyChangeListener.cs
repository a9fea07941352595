using System.Threading.Channels;
using Gateway.Host.Persistence;

namespace Gateway.Host.Features.Auth;

/// <summary>
/// Loads the <see cref="KeyDirectory"/> before the server takes requests, then keeps it current:
/// each NOTIFY from the tenancy projection re-reads the one resource that changed (a revocation on
/// another instance lands here within milliseconds), and a full reload after every reconnect and
/// once a minute repairs anything a lost notification missed.
/// </summary>
internal sealed partial class TenancyChangeListener(
    KeyDirectory directory, NotificationListener notifications, ILogger<TenancyChangeListener> logger) : BackgroundService
{
    /// <summary>The tenancy projection's NOTIFY channel: each message names the organization, user or key that changed.</summary>
    public const string Channel = "gateway_tenancy";

    private static readonly TimeSpan FullReloadInterval = TimeSpan.FromMinutes(1);
    private readonly Channel<string> _changed = System.Threading.Channels.Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await directory.ReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        notifications.RunAsync(Channel, id => _changed.Writer.TryWrite(id), directory.ReloadAsync, TimeSpan.FromSeconds(1), stoppingToken),
        ApplyChangesAsync(stoppingToken),
        ReloadPeriodicallyAsync(stoppingToken));

    private async Task ApplyChangesAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var id in _changed.Reader.ReadAllAsync(ct))
            {
                try
                {
                    await directory.RefreshAsync(id, ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    LogRefreshFailed(e, id);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task ReloadPeriodicallyAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(FullReloadInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await directory.ReloadAsync(ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    LogReloadFailed(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh {ResourceId} in the key directory; the next full reload will")]
    private partial void LogRefreshFailed(Exception exception, string resourceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Full reload of the key directory failed; keeping the current one")]
    private partial void LogReloadFailed(Exception exception);
}

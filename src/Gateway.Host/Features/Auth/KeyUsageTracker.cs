using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;

namespace Gateway.Host.Features.Auth;

/// <summary>
/// Remembers when each key was last used and writes it every few seconds in one statement, so a
/// request never waits on PostgreSQL for it. At most one interval is lost if the process is killed.
/// </summary>
internal sealed partial class KeyUsageTracker(NpgsqlDataSource dataSource, TimeProvider time, ILogger<KeyUsageTracker> logger) : BackgroundService
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);
    private ConcurrentDictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);

    public void Touch(string keyId) => _pending[keyId] = time.GetUtcNow();

    public async Task FlushAsync(CancellationToken ct)
    {
        var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal));
        if (batch.IsEmpty)
            return;
        await using var cmd = dataSource.CreateCommand("""
            update virtual_keys k set last_used_at = greatest(k.last_used_at, u.at)
            from unnest($1::text[], $2::timestamptz[]) as u(id, at) where k.id = u.id
            """);
        cmd.Parameters.Add(new() { Value = batch.Keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = batch.Values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await TryFlushAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: StopAsync flushes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await TryFlushAsync(cancellationToken);
    }

    private async Task TryFlushAsync(CancellationToken ct)
    {
        try
        {
            await FlushAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogFlushFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record when keys were last used; those times are dropped")]
    private partial void LogFlushFailed(Exception exception);
}

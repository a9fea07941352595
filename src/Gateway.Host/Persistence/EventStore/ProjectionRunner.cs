using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace Gateway.Host.Persistence.EventStore;

/// <summary>
/// Feeds every committed event, once and in commit order, to each <see cref="IAsyncProjection"/>.
/// Woken by the appenders' NOTIFY, with polling as the fallback; safe to run on several instances
/// at once (each batch takes its projection's checkpoint row with SKIP LOCKED).
/// </summary>
internal sealed partial class ProjectionRunner(
    NpgsqlDataSource dataSource,
    IEnumerable<IAsyncProjection> projections,
    NotificationListener notifications,
    ILogger<ProjectionRunner> logger) : BackgroundService
{
    private readonly IAsyncProjection[] _projections = [.. projections];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public int BatchSize { get; init; } = 500;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Applies the next batch of events to one projection.
    /// Only events written by transactions older than every transaction still running are read:
    /// a transaction that started earlier but commits later holds back the ones after it rather
    /// than being skipped once the checkpoint has passed it.
    /// </summary>
    /// <returns>How many events were applied; 0 when caught up or another instance holds the projection.</returns>
    public async Task<int> RunBatchAsync(IAsyncProjection projection, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        ulong fromTx;
        long fromSeq;
        await using (var checkpoint = new NpgsqlCommand(
            "select tx, seq from projection_progress where name = $1 for update skip locked", conn, tx))
        {
            checkpoint.Parameters.Add(new() { Value = projection.Name });
            await using var reader = await checkpoint.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
                return 0;
            fromTx = reader.GetFieldValue<ulong>(0);
            fromSeq = reader.GetInt64(1);
        }

        await using var read = new NpgsqlCommand($"""
            select {EventStore.SelectEventColumns} from events
            where (tx, seq) > ($1, $2) and tx < pg_snapshot_xmin(pg_current_snapshot())
            order by tx, seq
            limit $3
            """, conn, tx);
        read.Parameters.Add(new() { Value = fromTx, NpgsqlDbType = NpgsqlDbType.Xid8 });
        read.Parameters.Add(new() { Value = fromSeq });
        read.Parameters.Add(new() { Value = BatchSize });
        var events = await EventStore.ReadAllAsync(read, ct);
        if (events.Count == 0)
            return 0;

        await projection.ApplyAsync(events, conn, tx, ct);

        await using (var advance = new NpgsqlCommand(
            "update projection_progress set tx = $2, seq = $3, updated_at = now() where name = $1", conn, tx))
        {
            advance.Parameters.Add(new() { Value = projection.Name });
            advance.Parameters.Add(new() { Value = events[^1].Tx, NpgsqlDbType = NpgsqlDbType.Xid8 });
            advance.Parameters.Add(new() { Value = events[^1].Seq });
            await advance.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return events.Count;
    }

    /// <summary>Creates missing checkpoint rows: a new projection starts from the first event.</summary>
    public async Task EnsureCheckpointsAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "insert into projection_progress (name) select unnest($1::text[]) on conflict (name) do nothing", conn);
        cmd.Parameters.Add(new() { Value = _projections.Select(p => p.Name).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_projections.Length == 0)
            return;
        await EnsureCheckpointsAsync(stoppingToken);
        // Polling keeps projections moving while the listener reconnects.
        var listener = notifications.RunAsync(
            EventStore.NotifyChannel, _ => _wake.Writer.TryWrite(true), _ => Task.CompletedTask, PollInterval, stoppingToken);

        while (!stoppingToken.IsCancellationRequested)
        {
            var progressed = false;
            foreach (var projection in _projections)
            {
                try
                {
                    while (await RunBatchAsync(projection, stoppingToken) > 0)
                        progressed = true;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // The batch rolled back with its checkpoint; it is retried on the next round.
                    LogProjectionFailed(e, projection.Name);
                }
            }

            if (!progressed)
                await WaitForWakeAsync(stoppingToken);
        }

        await listener;
    }

    private async Task WaitForWakeAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PollInterval);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Poll interval elapsed: look again even without a notification.
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Projection {Projection} failed; its batch was rolled back and will be retried")]
    private partial void LogProjectionFailed(Exception exception, string projection);

}

using System.Threading.Channels;
using Gateway.Host.Persistence.EventStore;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// Takes inference records off the request path and writes them in batches on the event store's fact
/// path (idempotent by event id). A failed batch is kept and retried; whatever is queued at shutdown
/// is written before the process exits.
/// </summary>
internal sealed partial class RequestLog(EventStore store, ILogger<RequestLog> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);
    private readonly Channel<NewEvent> _queue = Channel.CreateUnbounded<NewEvent>(new UnboundedChannelOptions { SingleReader = true });

    public void Record(InferenceRecord record) =>
        _queue.Writer.TryWrite(NewEvent.Create(InferenceRecord.EventType, record, new EventMetadata(record.OrgId, record.KeyId is null ? "platform-admin" : $"key:{record.KeyId}", record.RequestId)));

    /// <summary>Writes everything queued so far (tests and shutdown).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var batch = new List<NewEvent>();
        while (_queue.Reader.TryRead(out var e))
        {
            batch.Add(e);
            if (batch.Count == BatchSize)
            {
                await store.AppendFactsAsync("inference", "inference", batch, ct);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
            await store.AppendFactsAsync("inference", "inference", batch, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new List<NewEvent>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(FlushInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            while (pending.Count < BatchSize && _queue.Reader.TryRead(out var e))
                pending.Add(e);
            if (pending.Count == 0)
                continue;
            try
            {
                await store.AppendFactsAsync("inference", "inference", pending, stoppingToken);
                pending.Clear();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Kept and retried next round; ids make a batch that did land harmless to send again.
                LogWriteFailed(e, pending.Count);
            }
        }

        foreach (var e in pending)
            _queue.Writer.TryWrite(e);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write {Count} inference records; retrying")]
    private partial void LogWriteFailed(Exception exception, int count);
}

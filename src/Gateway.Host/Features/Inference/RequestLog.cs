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
    private readonly Channel<InferenceRecord> _queue = Channel.CreateUnbounded<InferenceRecord>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues a record; serialising it is left to the writer, off the request's thread.</summary>
    public void Record(InferenceRecord record) => _queue.Writer.TryWrite(record);

    // The event id is drawn here, once: a batch retried after a failure carries the same ids, so one
    // that did land is not written twice.
    private static NewEvent ToEvent(InferenceRecord record) =>
        NewEvent.Create(InferenceRecord.EventType, record, new EventMetadata(record.OrgId, record.KeyId is null ? "platform-admin" : $"key:{record.KeyId}", record.RequestId));

    /// <summary>Writes everything queued so far (tests and shutdown).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var batch = new List<NewEvent>();
        while (_queue.Reader.TryRead(out var record))
        {
            batch.Add(ToEvent(record));
            if (batch.Count == BatchSize)
            {
                await store.AppendFactsAsync("inference", "inference", batch, ct);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
            await store.AppendFactsAsync("inference", "inference", batch, ct);
        if (_unwritten.Count > 0)
        {
            await store.AppendFactsAsync("inference", "inference", _unwritten, ct);
            _unwritten = [];
        }
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

            // Drain everything queued, a batch at a time: one batch per tick would cap the write rate.
            while (true)
            {
                while (pending.Count < BatchSize && _queue.Reader.TryRead(out var record))
                    pending.Add(ToEvent(record));
                if (pending.Count == 0)
                    break;
                try
                {
                    await store.AppendFactsAsync("inference", "inference", pending, stoppingToken);
                    pending.Clear();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Kept and retried next tick; ids make a batch that did land harmless to send again.
                    LogWriteFailed(e, pending.Count);
                    break;
                }
            }
        }

        _unwritten = pending;
    }

    private List<NewEvent> _unwritten = [];

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write {Count} inference records; retrying")]
    private partial void LogWriteFailed(Exception exception, int count);
}

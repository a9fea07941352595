using System.Threading.Channels;

namespace Gateway.Host.Features.StoredResponses;

/// <summary>
/// Stores the responses of concurrent requests together: each caller waits until its row is committed (the client's
/// next turn must find it), and the rows that arrived meanwhile share one statement on a connection the writer
/// keeps. One insert per response, each on a pooled connection (reset at every checkout) in a transaction of its own,
/// served a fifth of the requests that store nothing (README "Benchmarks").
/// </summary>
internal sealed class ResponseWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ResponseStore _store;
    private readonly Task _loop;
    private Npgsql.NpgsqlConnection? _connection;

    public ResponseWriter(ResponseStore store)
    {
        _store = store;
        _loop = Task.Run(WriteAsync);
    }

    private sealed record Pending(StoredResponse Response, TaskCompletionSource Stored);

    /// <summary>Completes once the response is committed; fails as its batch's insert failed.</summary>
    public Task SaveAsync(StoredResponse response, CancellationToken ct)
    {
        var pending = new Pending(response, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
            throw new ObjectDisposedException(nameof(ResponseWriter), "the gateway is stopping; the response was not stored");
        return pending.Stored.Task.WaitAsync(ct);
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
                batch.Add(next);
            try
            {
                _connection ??= await _store.OpenWriterAsync(CancellationToken.None);
                await ResponseStore.SaveAllAsync(_connection, [.. batch.Select(p => p.Response)], CancellationToken.None);
                batch.ForEach(p => p.Stored.TrySetResult());
            }
            catch (Exception e)
            {
                // A broken connection is opened again for the next batch. Each caller decides what a failed store
                // means for it (the dialect logs it and answers anyway).
                await DropConnectionAsync();
                batch.ForEach(p => p.Stored.TrySetException(e));
            }
        }

        await DropConnectionAsync();
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is not null)
            await _connection.DisposeAsync();
        _connection = null;
    }

    /// <summary>Stores what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}

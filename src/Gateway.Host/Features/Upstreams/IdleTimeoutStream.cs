namespace Gateway.Host.Features.Upstreams;

/// <summary>
/// An upstream stream's body that fails with <see cref="UpstreamStalledException"/> when a read waits longer
/// than the provider's idle timeout for its next bytes. Only the wait on the upstream counts: the clock is
/// armed as a read starts and disarmed when it returns, so a client slow to take what it was sent never
/// looks like a stalled upstream. Cancelling the read cancels the upstream call itself (HttpClient aborts
/// the connection), which frees the key's lease and the client at once.
/// </summary>
internal sealed class IdleTimeoutStream : Stream
{
    private readonly Stream _inner;
    private readonly TimeSpan _idle;
    private readonly CancellationToken _clientAborted;
    private readonly CancellationTokenSource _silence;
    private readonly CancellationTokenSource _readCancelled;

    /// <param name="clientAborted">The client's request abort: a read cancelled by it is the client leaving, not a stall.</param>
    public IdleTimeoutStream(Stream inner, TimeSpan idle, TimeProvider time, CancellationToken clientAborted)
    {
        _inner = inner;
        _idle = idle;
        _clientAborted = clientAborted;
        _silence = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _readCancelled = CancellationTokenSource.CreateLinkedTokenSource(clientAborted, _silence.Token);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // The relays read with the client's token, which the linked source already covers; another token gets its own link.
        using var other = cancellationToken.CanBeCanceled && cancellationToken != _clientAborted
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _readCancelled.Token)
            : null;
        _silence.CancelAfter(_idle);
        try
        {
            return await _inner.ReadAsync(buffer, other?.Token ?? _readCancelled.Token);
        }
        catch (OperationCanceledException e) when (_silence.IsCancellationRequested && !_clientAborted.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamStalledException(_idle, e);
        }
        finally
        {
            _silence.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>A synchronous read could not be cancelled by the idle clock: every reader of an upstream body reads asynchronously.</summary>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("upstream stream bodies are read asynchronously");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _readCancelled.Dispose();
            _silence.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>The upstream sent nothing for its provider's stream idle timeout after the stream began.</summary>
internal sealed class UpstreamStalledException(TimeSpan idle, Exception inner)
    : TimeoutException($"the upstream sent nothing for {idle.TotalSeconds:0.###} s after the stream began", inner)
{
    public TimeSpan Idle => idle;
}

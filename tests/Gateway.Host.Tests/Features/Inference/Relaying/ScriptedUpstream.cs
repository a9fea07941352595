using System.Text;

namespace Gateway.Host.Tests.Features.Inference.Relaying;

/// <summary>
/// An upstream body that gives one scripted chunk per read, as a network read would, then ends the way the test
/// says: the end of the stream, a broken connection, or silence until the read is cancelled.
/// </summary>
internal sealed class ScriptedUpstream(IEnumerable<string> chunks, ScriptedUpstream.Ending ending = ScriptedUpstream.Ending.Complete) : Stream
{
    internal enum Ending
    {
        Complete,

        /// <summary>The connection breaks (IOException, as HttpClient reports a reset).</summary>
        Breaks,

        /// <summary>Nothing more arrives: the read waits until it is cancelled.</summary>
        FallsSilent,
    }

    private readonly Queue<byte[]> _chunks = new(chunks.Select(Encoding.UTF8.GetBytes));
    private readonly TaskCompletionSource _silent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once every chunk was read and a read waits on the silence.</summary>
    public Task Silent => _silent.Task;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_chunks.TryDequeue(out var chunk))
        {
            chunk.CopyTo(buffer);
            return chunk.Length;
        }

        switch (ending)
        {
            case Ending.Breaks:
                throw new IOException("the connection was reset");
            case Ending.FallsSilent:
                _silent.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                break;
        }

        return 0;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("upstream bodies are read asynchronously");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

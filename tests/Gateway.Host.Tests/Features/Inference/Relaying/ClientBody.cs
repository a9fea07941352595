using System.Text;

namespace Gateway.Host.Tests.Features.Inference.Relaying;

/// <summary>A client's response body that keeps each write apart, so a test sees what was sent, and in which pieces.</summary>
internal sealed class ClientBody : MemoryStream
{
    private readonly List<string> _writes = [];

    /// <summary>Each write as text, in order.</summary>
    public IReadOnlyList<string> Writes => _writes;

    public string Text => Encoding.UTF8.GetString(ToArray());

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _writes.Add(Encoding.UTF8.GetString(buffer.Span));
        return base.WriteAsync(buffer, cancellationToken);
    }
}

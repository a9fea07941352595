using System.Text.Json;
using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Inference.Relaying;

/// <summary>
/// A stream passed through in the client's own wire format: each event goes on as it came, and the format's reading
/// (one subclass per format) takes the usage from it on the way and may hold it back (the usage-only chunk the
/// gateway asked for on an OpenAI client's behalf). Events without JSON data pass unread.
/// </summary>
internal abstract class PassthroughEvents : IEventStrategy
{
    public abstract ChatUsage? Usage { get; }

    public int OutputChars { get; protected set; }

    public abstract string Failure(StreamFault fault);

    public EventStep Event(ReadOnlyMemory<byte> sseEvent) => HoldBack(sseEvent) ? default : new EventStep(sseEvent);

    /// <summary>Bytes after the last blank line go on as they came: the client reads its own format's ending.</summary>
    public EventStep End(ReadOnlyMemory<byte> rest) => new(rest);

    /// <summary>Reads one event's data; true to hold the event back.</summary>
    protected abstract bool Read(JsonElement data);

    private bool HoldBack(ReadOnlyMemory<byte> sseEvent)
    {
        var payload = SseEvents.Data(sseEvent);
        if (payload.Length == 0 || payload.Span[0] != (byte)'{')
            return false;
        try
        {
            using var document = JsonDocument.Parse(payload);
            return Read(document.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

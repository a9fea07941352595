using System.Buffers;
using System.Text;
using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Host.Features.Inference.Relaying;

/// <summary>
/// A stream translated as it arrives: the upstream's events (Anthropic's named events, Gemini's and OpenAI's
/// data-only chunks) are read in its wire format into canonical deltas, which the client's writer frames in the
/// client's. Usage is read on the way. An upstream error event ends the stream with the client dialect's error event;
/// unreadable data fails the relay (<see cref="JsonException"/>), which ends it the same way.
/// </summary>
internal sealed class TranslatedEvents(IChatEventReader reader, IChatEventWriter writer) : IEventStrategy
{
    private readonly ArrayBufferWriter<byte> _frames = new(4 * 1024);
    private ChatUsage? _prompt;
    private ChatUsage? _reported;
    private bool _failed;

    /// <summary>What the upstream reported at its end; after an upstream error, its prompt counts with the output estimated.</summary>
    public ChatUsage? Usage => _failed ? Seen() : _reported;

    public int OutputChars { get; private set; }

    public string Failure(StreamFault fault) => writer.Failure(fault.Status, fault.Code, fault.Message);

    public EventStep Event(ReadOnlyMemory<byte> sseEvent)
    {
        _frames.ResetWrittenCount();
        return Translate(sseEvent);
    }

    /// <summary>A last event without its blank line still counts; then what the stream's end itself says, and the client's closing frames.</summary>
    public EventStep End(ReadOnlyMemory<byte> rest)
    {
        _frames.ResetWrittenCount();
        if (Translate(rest).UpstreamFailed || Relay(reader.Complete()))
            return new EventStep(_frames.WrittenMemory, UpstreamFailed: true);
        foreach (var frame in writer.Complete(Seen()))
            Encoding.UTF8.GetBytes(frame, _frames);
        return new EventStep(_frames.WrittenMemory);
    }

    /// <summary>What the upstream reported, or else its prompt counts with the output estimated from the text seen.</summary>
    private ChatUsage Seen() => _reported ?? ((_prompt ?? ChatUsage.None) with { CompletionTokens = OutputChars / 4 });

    /// <summary>Each <c>data:</c> line of the event, read with the <c>event:</c> name before it.</summary>
    private EventStep Translate(ReadOnlyMemory<byte> sseEvent)
    {
        string? eventType = null;
        var rest = sseEvent;
        while (!rest.IsEmpty)
        {
            var newline = rest.Span.IndexOf((byte)'\n');
            var line = Trim(newline < 0 ? rest : rest[..newline]);
            rest = newline < 0 ? ReadOnlyMemory<byte>.Empty : rest[(newline + 1)..];
            if (line.Span.StartsWith("event:"u8))
            {
                eventType = Encoding.UTF8.GetString(Trim(line[6..]).Span);
                continue;
            }

            if (!line.Span.StartsWith("data:"u8))
                continue;
            var data = Trim(line[5..]);
            if (data.Span.SequenceEqual(StreamEnd))
                continue;
            using var document = JsonDocument.Parse(data);
            if (Relay(reader.Read(eventType ?? "", document.RootElement)))
                return new EventStep(_frames.WrittenMemory, UpstreamFailed: true);
            eventType = null;
        }

        return new EventStep(_frames.WrittenMemory);
    }

    /// <summary>Frames the deltas for the client; true when one was the upstream's error, which ends the stream.</summary>
    private bool Relay(IEnumerable<ChatDelta> deltas)
    {
        foreach (var delta in deltas)
        {
            switch (delta)
            {
                case StreamStarted started:
                    _prompt = started.Usage;
                    break;
                case TextDelta text:
                    OutputChars += text.Text.Length;
                    break;
                case ThinkingDelta thinking:
                    // Thinking is billed as output: it counts when the completion has to be estimated.
                    OutputChars += thinking.Text.Length;
                    break;
                case StreamFinished finished:
                    _reported = finished.Usage;
                    break;
                case StreamFailed failed:
                    _failed = true;
                    Encoding.UTF8.GetBytes(Failure(StreamFault.UpstreamError(failed.Message)), _frames);
                    return true;
            }

            foreach (var frame in writer.Write(delta))
                Encoding.UTF8.GetBytes(frame, _frames);
        }

        return false;
    }

    /// <summary>OpenAI's <c>data: [DONE]</c>, which is no JSON and says no more than the end of the stream does.</summary>
    private static readonly byte[] StreamEnd = Encoding.UTF8.GetBytes(OpenAIApi.StreamEnd);

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        var start = 0;
        var end = span.Length;
        while (start < end && span[start] is (byte)' ' or (byte)'\t' or (byte)'\r')
            start++;
        while (end > start && span[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r')
            end--;
        return bytes[start..end];
    }
}

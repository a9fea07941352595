using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.Inference.Gemini;

/// <summary>
/// Gemini's stream chunks from another upstream's deltas, framed as <c>alt=sse</c> events or as the
/// elements of one JSON array (opened by the first chunk, closed by the last or by the error that ends it).
/// </summary>
/// <param name="thoughts">Whether the client set includeThoughts, so that thinking goes out as thought parts.</param>
internal sealed class GeminiEventWriter(string model, bool sse, bool thoughts) : TranslatedStreamRelay.IEventWriter
{
    private readonly GeminiContent.StreamWriter _writer = new(model, thoughts);
    private bool _opened;

    public IEnumerable<string> Write(ChatDelta delta) => _writer.Write(delta) is { } chunk ? [Frame(chunk)] : [];

    public IEnumerable<string> End(ChatUsage usage)
    {
        yield return Frame(_writer.Finish(usage));
        if (!sse)
            yield return GeminiContent.ArrayStreamEnd;
    }

    public string Failure(StreamFault fault)
    {
        var error = Frame(ErrorChunk(fault));
        return sse ? error : error + GeminiContent.ArrayStreamEnd;
    }

    /// <summary>Google's error object, its code the status and its status the one Google gives it (INTERNAL, DEADLINE_EXCEEDED).</summary>
    public static JsonObject ErrorChunk(StreamFault fault) => GeminiContent.ErrorChunk(fault.Status, DialectErrors.GoogleStatus(fault.Status), fault.Message);

    private string Frame(JsonObject chunk)
    {
        if (sse)
            return GeminiContent.SseFrame(chunk);
        var first = !_opened;
        _opened = true;
        return GeminiContent.ArrayFrame(chunk, first);
    }
}

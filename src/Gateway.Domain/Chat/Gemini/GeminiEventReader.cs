using System.Text.Json;
using static Gateway.Domain.Chat.Gemini.GeminiResponseReader;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// Reads the partial responses of a Gemini upstream's streamGenerateContent (alt=sse) stream into canonical deltas
/// (the upstream side). Gemini streams a function call whole, so its start and its arguments come together.
/// </summary>
public sealed class GeminiEventReader : IChatEventReader
{
    private bool _started;
    private int _calls;
    private ChatUsage? _usage;

    IEnumerable<ChatDelta> IChatEventReader.Read(string eventType, JsonElement data) => Read(data);

    public IEnumerable<ChatDelta> Complete() => [];

    public IEnumerable<ChatDelta> Read(JsonElement chunk)
    {
        // Each chunk's usageMetadata holds the running totals: the latest stands.
        _usage = ReadUsage(chunk) ?? _usage;
        if (!_started)
        {
            _started = true;
            yield return new StreamStarted(
                chunk.TryGetProperty("responseId", out var id) ? id.GetString()! : "gemini-response",
                chunk.TryGetProperty("modelVersion", out var model) ? model.GetString()! : "gemini",
                _usage);
        }

        if (!chunk.TryGetProperty("candidates", out var candidates) || candidates.GetArrayLength() == 0)
            yield break;
        var candidate = candidates[0];
        foreach (var part in Parts(candidate))
        {
            if (part.TryGetProperty("text", out var text))
            {
                yield return IsThought(part) ? new ThinkingDelta(text.GetString() ?? "") : new TextDelta(text.GetString() ?? "");
            }
            else if (part.TryGetProperty("functionCall", out var call))
            {
                var index = _calls++;
                yield return new ToolCallStarted(index, CallId(call, index), call.GetProperty("name").GetString()!, Signature(part));
                yield return new ToolCallArgumentsDelta(index, call.TryGetProperty("args", out var args) ? args.GetRawText() : "{}");
            }
        }

        if (candidate.TryGetProperty("finishReason", out var finish) && finish.GetString() is { } reason)
            yield return new StreamFinished(Finish(reason, _calls > 0), _usage);
    }
}

using System.Text.Json;
using static Gateway.Domain.Chat.OpenAI.OpenAIChatResponseReader;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// Reads an OpenAI-compatible upstream's chat completion chunks into canonical deltas (the upstream side). The finish
/// reason comes a chunk before the usage: the finish is held until the usage arrives (or the stream ends), so it is
/// reported once with both.
/// </summary>
public sealed class OpenAIChunkReader : IChatEventReader
{
    private bool _started;
    private bool _finished;
    private FinishReason? _reason;
    private readonly Dictionary<int, string> _callIds = [];

    public IEnumerable<ChatDelta> Read(string eventType, JsonElement data)
    {
        if (_finished)
            yield break;
        if (!_started)
        {
            _started = true;
            yield return new StreamStarted(String(data, "id") ?? "chatcmpl-gateway", String(data, "model") ?? "", null);
        }

        if (data.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            if (choice.TryGetProperty("delta", out var delta))
            {
                if (Reasoning(delta) is { } reasoning)
                    yield return new ThinkingDelta(reasoning);
                if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
                    yield return new TextDelta(text);
                foreach (var call in Calls(delta))
                {
                    var index = call.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : _callIds.Count;
                    var function = call.TryGetProperty("function", out var fn) ? fn : default;
                    if (String(call, "id") is { Length: > 0 } id && !_callIds.ContainsKey(index))
                    {
                        _callIds[index] = id;
                        yield return new ToolCallStarted(index, id, function.ValueKind == JsonValueKind.Object ? String(function, "name") ?? "" : "");
                    }

                    if (function.ValueKind == JsonValueKind.Object && String(function, "arguments") is { Length: > 0 } arguments)
                        yield return new ToolCallArgumentsDelta(index, arguments);
                }
            }

            if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
                _reason = ReadFinish(finish.GetString());
        }

        if (ReadUsage(data) is { } usage)
        {
            _finished = true;
            yield return new StreamFinished(_reason, usage);
        }
    }

    public IEnumerable<ChatDelta> Complete()
    {
        if (_started && !_finished && _reason is not null)
        {
            _finished = true;
            yield return new StreamFinished(_reason, null);
        }
    }
}

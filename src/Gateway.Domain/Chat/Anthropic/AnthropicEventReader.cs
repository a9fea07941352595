using System.Text.Json;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>
/// Reads an Anthropic upstream's stream events into canonical deltas (the upstream side). Anthropic numbers content
/// blocks (text, thinking, tool_use) together; the canonical deltas number tool calls alone, so the reader keeps the
/// mapping for the stream it reads. A thinking block's signature_delta is not kept: only Anthropic could check it.
/// </summary>
public sealed class AnthropicEventReader : IChatEventReader
{
    private readonly Dictionary<int, int> _toolIndexByBlock = [];
    private ChatUsage? _usage;

    public IEnumerable<ChatDelta> Complete() => [];

    public IEnumerable<ChatDelta> Read(string eventType, JsonElement data)
    {
        switch (eventType)
        {
            case "message_start":
                var message = data.GetProperty("message");
                _usage = message.TryGetProperty("usage", out var started) ? AnthropicUsage.Read(started) : null;
                yield return new StreamStarted(message.GetProperty("id").GetString()!, message.GetProperty("model").GetString()!, _usage);
                break;
            case "content_block_start":
                var block = data.GetProperty("content_block");
                if (block.GetProperty("type").GetString() == "tool_use")
                {
                    var index = _toolIndexByBlock.Count;
                    _toolIndexByBlock[data.GetProperty("index").GetInt32()] = index;
                    yield return new ToolCallStarted(index, block.GetProperty("id").GetString()!, block.GetProperty("name").GetString()!);
                }

                break;
            case "content_block_delta":
                var delta = data.GetProperty("delta");
                switch (delta.GetProperty("type").GetString())
                {
                    case "text_delta":
                        yield return new TextDelta(delta.GetProperty("text").GetString() ?? "");
                        break;
                    case "thinking_delta":
                        yield return new ThinkingDelta(delta.GetProperty("thinking").GetString() ?? "");
                        break;
                    case "input_json_delta" when _toolIndexByBlock.TryGetValue(data.GetProperty("index").GetInt32(), out var tool):
                        yield return new ToolCallArgumentsDelta(tool, delta.GetProperty("partial_json").GetString() ?? "");
                        break;
                }

                break;
            case "message_delta":
                // Without usage here the output is unknown: the relay estimates it.
                ChatUsage? finished = null;
                if (data.TryGetProperty("usage", out var latest) && latest.ValueKind == JsonValueKind.Object)
                    finished = _usage = AnthropicUsage.Read(latest, _usage);
                yield return new StreamFinished(AnthropicResponseReader.Finish(data.GetProperty("delta").TryGetProperty("stop_reason", out var r) ? r.GetString() : null), finished);
                break;
            case "error":
                yield return new StreamFailed(data.TryGetProperty("error", out var e) && e.TryGetProperty("message", out var m) ? m.GetString() ?? "upstream error" : "upstream error");
                break;
        }
    }
}

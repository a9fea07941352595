using System.Text.Json;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>
/// An Anthropic upstream's message in canonical form (the upstream side). Thinking blocks come back as thinking, with
/// their signature on the part; redacted_thinking blocks, which hold no readable text, are dropped.
/// </summary>
public static class AnthropicResponseReader
{
    public static ChatResponse Read(JsonElement root)
    {
        var parts = new List<ChatPart>();
        foreach (var block in root.GetProperty("content").EnumerateArray())
        {
            switch (block.GetProperty("type").GetString())
            {
                case "text":
                    parts.Add(new TextPart(block.GetProperty("text").GetString() ?? ""));
                    break;
                case "tool_use":
                    parts.Add(new ToolCallPart(block.GetProperty("id").GetString()!, block.GetProperty("name").GetString()!, block.GetProperty("input").GetRawText()));
                    break;
                case "thinking":
                    parts.Add(new ThinkingPart(
                        block.TryGetProperty("thinking", out var thinking) ? thinking.GetString() ?? "" : "",
                        block.TryGetProperty("signature", out var signature) ? signature.GetString() : null));
                    break;
            }
        }

        return new ChatResponse(
            root.GetProperty("id").GetString()!,
            root.GetProperty("model").GetString()!,
            parts,
            Finish(root.TryGetProperty("stop_reason", out var reason) ? reason.GetString() : null),
            AnthropicUsage.Read(root.GetProperty("usage")));
    }

    /// <summary>A message's usage, or null when it carries none.</summary>
    public static ChatUsage? ReadUsage(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("usage", out var usage) ? AnthropicUsage.Read(usage) : null;

    /// <summary>The prompt's tokens in a count_tokens answer.</summary>
    public static int ReadTokenCount(JsonElement root) => root.GetProperty("input_tokens").GetInt32();

    internal static FinishReason? Finish(string? stopReason) => stopReason switch
    {
        "end_turn" or "stop_sequence" or "pause_turn" => FinishReason.Stop,
        "max_tokens" => FinishReason.Length,
        "tool_use" => FinishReason.ToolCalls,
        "refusal" => FinishReason.ContentFilter,
        _ => null,
    };
}

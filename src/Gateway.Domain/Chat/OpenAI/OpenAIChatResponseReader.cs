using System.Text.Json;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// An OpenAI-compatible upstream's chat completion in canonical form (the upstream side). Reasoning text is read as
/// thinking from <c>reasoning_content</c> (DeepSeek, vLLM) or, failing that, <c>reasoning</c> (OpenRouter), on the
/// message as on stream deltas (<see cref="OpenAIChunkReader"/>).
/// </summary>
public static class OpenAIChatResponseReader
{
    public static ChatResponse Read(JsonElement root)
    {
        var parts = new List<ChatPart>();
        string? finish = null;
        if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            finish = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            if (choice.TryGetProperty("message", out var message))
            {
                if (Reasoning(message) is { } reasoning)
                    parts.Add(new ThinkingPart(reasoning));
                if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
                    parts.Add(new TextPart(text));
                foreach (var call in Calls(message))
                {
                    var function = call.GetProperty("function");
                    parts.Add(new ToolCallPart(String(call, "id") ?? "", String(function, "name") ?? "", String(function, "arguments") ?? "{}"));
                }
            }
        }

        return new ChatResponse(String(root, "id") ?? "chatcmpl-gateway", String(root, "model") ?? "", parts, ReadFinish(finish), ReadUsage(root) ?? ChatUsage.None);
    }

    /// <summary>
    /// Reads <c>usage</c> from a response or chunk object; null when it has none. prompt_tokens already counts the
    /// cache reads of <c>prompt_tokens_details.cached_tokens</c>; OpenAI reports no cache writes (it bills none).
    /// completion_tokens already counts <c>completion_tokens_details.reasoning_tokens</c>.
    /// </summary>
    public static ChatUsage? ReadUsage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
            return null;
        int Read(JsonElement within, string name) => within.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;
        int Detail(string details, string name) =>
            usage.TryGetProperty(details, out var within) && within.ValueKind == JsonValueKind.Object ? Read(within, name) : 0;
        return new ChatUsage(
            Read(usage, "prompt_tokens"), Read(usage, "completion_tokens"), Detail("prompt_tokens_details", "cached_tokens"),
            ReasoningTokens: Detail("completion_tokens_details", "reasoning_tokens"));
    }

    /// <summary>A message's or delta's reasoning text: <c>reasoning_content</c> (DeepSeek, vLLM), else <c>reasoning</c> (OpenRouter); null when empty.</summary>
    internal static string? Reasoning(JsonElement message) =>
        String(message, "reasoning_content") is { Length: > 0 } content ? content
        : String(message, "reasoning") is { Length: > 0 } reasoning ? reasoning
        : null;

    internal static JsonElement.ArrayEnumerator Calls(JsonElement message) =>
        message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array ? calls.EnumerateArray() : default;

    internal static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static FinishReason? ReadFinish(string? reason) => reason switch
    {
        "stop" => FinishReason.Stop,
        "length" => FinishReason.Length,
        "tool_calls" or "function_call" => FinishReason.ToolCalls,
        "content_filter" => FinishReason.ContentFilter,
        _ => null,
    };
}

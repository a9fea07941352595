using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// The Responses API's usage object, read from an upstream's response (whole, or in the terminal event of its stream) and
/// written to a client's. Its counts are the canonical ones: <c>input_tokens</c> already holds the cache reads of
/// <c>input_tokens_details.cached_tokens</c>, and <c>output_tokens</c> the reasoning of
/// <c>output_tokens_details.reasoning_tokens</c>. OpenAI reports no cache writes (it bills none).
/// </summary>
public static class OpenAIResponsesUsage
{
    /// <summary>
    /// The usage of a response object, or of an event that carries one (<c>response.completed</c>,
    /// <c>response.incomplete</c>, <c>response.failed</c>); null when it has none.
    /// </summary>
    public static ChatUsage? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return null;
        if (root.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
            root = response;
        if (!root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
            return null;
        int Count(JsonElement within, string name) => within.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;
        int Detail(string details, string name) => usage.TryGetProperty(details, out var within) && within.ValueKind == JsonValueKind.Object ? Count(within, name) : 0;
        return new ChatUsage(
            Count(usage, "input_tokens"), Count(usage, "output_tokens"), Detail("input_tokens_details", "cached_tokens"),
            ReasoningTokens: Detail("output_tokens_details", "reasoning_tokens"));
    }

    public static JsonObject Write(ChatUsage usage) => new()
    {
        ["input_tokens"] = usage.PromptTokens,
        ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.CachedTokens },
        ["output_tokens"] = usage.CompletionTokens,
        ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = usage.ReasoningTokens },
        ["total_tokens"] = usage.PromptTokens + usage.CompletionTokens,
    };
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>Anthropic's usage object, read from an upstream's message and events and written to a client's.</summary>
public static class AnthropicUsage
{
    /// <summary>
    /// Anthropic's usage object in canonical counts. Anthropic's input_tokens leaves out cache reads
    /// (cache_read_input_tokens) and cache writes (cache_creation_input_tokens); the canonical prompt holds all three.
    /// Newer API versions split the writes by lifetime (cache_creation.ephemeral_5m_input_tokens and
    /// ephemeral_1h_input_tokens); without that split every write is a 5-minute one, Anthropic's default lifetime.
    /// </summary>
    /// <param name="earlier">
    /// What the stream reported before (message_start), for a message_delta: each count it leaves out keeps its earlier
    /// value, and each it gives is the latest (older API versions repeat only output_tokens there, newer ones the input
    /// and cache counts too, cumulative, but never the lifetime split, so the earlier 1-hour part stands).
    /// </param>
    public static ChatUsage Read(JsonElement usage, ChatUsage? earlier = null)
    {
        var before = earlier ?? ChatUsage.None;
        var split = usage.TryGetProperty("cache_creation", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        var input = Count(usage, "input_tokens") ?? before.UncachedPromptTokens;
        var reads = Count(usage, "cache_read_input_tokens") ?? before.CachedTokens;
        var writes = Count(usage, "cache_creation_input_tokens")
            ?? (split.ValueKind == JsonValueKind.Object ? (Count(split, "ephemeral_5m_input_tokens") ?? 0) + (Count(split, "ephemeral_1h_input_tokens") ?? 0) : before.CacheWriteTokens);
        var oneHour = Math.Clamp(Count(split, "ephemeral_1h_input_tokens") ?? before.CacheWrite1hTokens, 0, writes);
        return new ChatUsage(input + reads + writes, Count(usage, "output_tokens") ?? before.CompletionTokens, reads, writes - oneHour, oneHour);
    }

    /// <summary>
    /// The usage of a message (and of message_start): Anthropic counts cache reads and writes apart from input_tokens,
    /// where the canonical count holds them inside, and splits the writes by cache lifetime.
    /// </summary>
    /// <param name="webSearches">The gateway's searches made for the answer, shown as Anthropic shows its own (none: no server_tool_use).</param>
    public static JsonObject Write(ChatUsage usage, int webSearches = 0)
    {
        var written = WriteDelta(usage, webSearches);
        written.Insert(3, "cache_creation", new JsonObject
        {
            ["ephemeral_5m_input_tokens"] = usage.CacheWrite5mTokens,
            ["ephemeral_1h_input_tokens"] = usage.CacheWrite1hTokens,
        });
        return written;
    }

    /// <summary>The usage of message_delta, which Anthropic sends without the lifetime split of the writes.</summary>
    public static JsonObject WriteDelta(ChatUsage usage, int webSearches = 0)
    {
        var written = new JsonObject
        {
            ["input_tokens"] = usage.UncachedPromptTokens,
            ["cache_creation_input_tokens"] = usage.CacheWriteTokens,
            ["cache_read_input_tokens"] = usage.CachedTokens,
            ["output_tokens"] = usage.CompletionTokens,
        };
        if (webSearches > 0)
            written["server_tool_use"] = new JsonObject { ["web_search_requests"] = webSearches };
        return written;
    }

    /// <summary>A token count; null when absent, null, or not an object's number (count fields Anthropic may leave out or send as null).</summary>
    private static int? Count(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}

using System.Text.Json;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// A Gemini upstream's GenerateContentResponse in canonical form (the upstream side):
/// <list type="bullet">
/// <item>Gemini gives function calls no ids: they get <c>call_{n}</c>, unique within the answer.</item>
/// <item>Thought summary parts come back as thinking.</item>
/// <item>A function call's thoughtSignature is kept on the call. Signatures on text and thought parts are dropped: no
/// canonical part keeps them, and Gemini asks for them back only on function calls.</item>
/// </list>
/// </summary>
public static class GeminiResponseReader
{
    public static ChatResponse Read(JsonElement root)
    {
        var parts = new List<ChatPart>();
        string? finish = null;
        if (root.TryGetProperty("candidates", out var candidates) && candidates.GetArrayLength() > 0)
        {
            var candidate = candidates[0];
            finish = candidate.TryGetProperty("finishReason", out var f) ? f.GetString() : null;
            var calls = 0;
            foreach (var part in Parts(candidate))
            {
                if (part.TryGetProperty("text", out var text))
                    parts.Add(IsThought(part) ? new ThinkingPart(text.GetString() ?? "") : new TextPart(text.GetString() ?? ""));
                else if (part.TryGetProperty("functionCall", out var call))
                    parts.Add(new ToolCallPart(CallId(call, calls++), call.GetProperty("name").GetString()!, call.TryGetProperty("args", out var args) ? args.GetRawText() : "{}", Signature(part)));
            }
        }

        return new ChatResponse(
            root.TryGetProperty("responseId", out var id) ? id.GetString()! : "gemini-response",
            root.TryGetProperty("modelVersion", out var model) ? model.GetString()! : "gemini",
            parts,
            Finish(finish, parts.OfType<ToolCallPart>().Any()),
            Usage(root));
    }

    /// <summary>The prompt's tokens in a countTokens answer.</summary>
    public static int ReadTokenCount(JsonElement root) => root.GetProperty("totalTokens").GetInt32();

    /// <summary>A response's or stream chunk's usageMetadata, or null when it carries none.</summary>
    public static ChatUsage? ReadUsage(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("usageMetadata", out _) ? Usage(root) : null;

    internal static JsonElement.ArrayEnumerator Parts(JsonElement candidate) =>
        candidate.TryGetProperty("content", out var content) && content.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array
            ? parts.EnumerateArray()
            : default;

    /// <summary>A thought summary part (<c>"thought": true</c>), which Gemini sends only when includeThoughts asks for it.</summary>
    internal static bool IsThought(JsonElement part) =>
        part.TryGetProperty("thought", out var thought) && thought.ValueKind == JsonValueKind.True;

    /// <summary>A part's thoughtSignature, a sibling of its functionCall (Gemini streams a function call's part whole, signature included).</summary>
    internal static string? Signature(JsonElement part) =>
        part.TryGetProperty("thoughtSignature", out var signature) && signature.ValueKind == JsonValueKind.String ? signature.GetString() : null;

    internal static string CallId(JsonElement call, int index) =>
        call.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } given ? given : $"call_{index}";

    internal static FinishReason? Finish(string? reason, bool calledTools) => reason switch
    {
        null => null,
        "STOP" => calledTools ? FinishReason.ToolCalls : FinishReason.Stop,
        "MAX_TOKENS" => FinishReason.Length,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" => FinishReason.ContentFilter,
        _ => FinishReason.Stop,
    };

    /// <summary>
    /// Thinking tokens are billed as output, so they count as completion tokens. promptTokenCount already counts the
    /// cache reads of cachedContentTokenCount; Gemini reports no cache writes (it bills cache storage instead).
    /// </summary>
    private static ChatUsage Usage(JsonElement root)
    {
        if (!root.TryGetProperty("usageMetadata", out var usage))
            return new ChatUsage(0, 0, 0);
        int Read(string name) => usage.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
        var thoughts = Read("thoughtsTokenCount");
        return new ChatUsage(Read("promptTokenCount"), Read("candidatesTokenCount") + thoughts, Read("cachedContentTokenCount"), ReasoningTokens: thoughts);
    }
}

using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// The canonical answer as Gemini's GenerateContentResponse, for a Gemini client whose model is another dialect's (the
/// client side; a Gemini upstream's answers reach a Gemini client untouched).
/// </summary>
public static class GeminiResponseWriter
{
    /// <summary>
    /// A GenerateContentResponse with one candidate. <paramref name="model"/> is the name the client asked
    /// for, echoed as modelVersion: the upstream's own model name would reveal where an alias leads.
    /// Function calls carry their id so that a client can echo it in its functionResponse. Thinking becomes
    /// thought parts (<c>"thought": true</c>) only when <paramref name="thoughts"/> says the client set
    /// includeThoughts, as Gemini sends them only then; they carry no thoughtSignature, which only Gemini can make.
    /// The gateway's tool calls are Gemini's code execution parts and search grounding (<see cref="GeminiServerToolParts"/>).
    /// A function call that came from Gemini (the JSON-array stream is rebuilt from a Gemini upstream's events)
    /// keeps its thoughtSignature beside it, as Gemini sent it.
    /// </summary>
    public static JsonObject Write(ChatResponse response, string model, bool thoughts = false) => Chunk(
        response.Id, model, [.. response.Parts.Select(p => ClientPart(p, thoughts)).OfType<JsonNode>()], response.FinishReason, response.Usage, wholeAnswer: true,
        GeminiServerToolParts.Grounding(ServerToolParts.Searches(response.Parts)));

    /// <param name="wholeAnswer">A whole answer always has content, even empty; a stream chunk without parts leaves it out, as Gemini's last chunks do.</param>
    /// <param name="grounding">The gateway's searches as the candidate's groundingMetadata (<see cref="GeminiServerToolParts"/>).</param>
    internal static JsonObject Chunk(string id, string model, JsonArray parts, FinishReason? finish, ChatUsage? usage, bool wholeAnswer = false, JsonObject? grounding = null)
    {
        var candidate = new JsonObject();
        if (parts.Count > 0 || wholeAnswer)
            candidate["content"] = new JsonObject { ["role"] = "model", ["parts"] = parts };
        if (finish is { } reason)
            candidate["finishReason"] = ClientFinish(reason);
        if (grounding is not null)
            candidate["groundingMetadata"] = grounding;
        candidate["index"] = 0;
        var chunk = new JsonObject { ["candidates"] = new JsonArray(candidate) };
        if (usage is not null)
            chunk["usageMetadata"] = UsageMetadata(usage);
        chunk["modelVersion"] = model;
        chunk["responseId"] = id;
        return chunk;
    }

    private static JsonObject? ClientPart(ChatPart part, bool thoughts) => part switch
    {
        TextPart { Text.Length: > 0 } text => new JsonObject { ["text"] = text.Text },
        ThinkingPart { Text.Length: > 0 } thinking when thoughts => Thought(thinking.Text),
        ToolCallPart call => FunctionCall(call.Id, call.Name, call.ArgumentsJson, call.Signature),
        ServerToolCallPart call => GeminiServerToolParts.Part(call),
        ServerToolResultPart result => GeminiServerToolParts.Part(result),
        _ => null,
    };

    internal static JsonObject Thought(string text) => new() { ["text"] = text, ["thought"] = true };

    internal static JsonObject FunctionCall(string id, string name, string argumentsJson, string? signature) =>
        GeminiParts.WithSignature(new JsonObject { ["functionCall"] = new JsonObject { ["id"] = id, ["name"] = name, ["args"] = GeminiParts.Arguments(argumentsJson) } }, signature);


    /// <summary>Gemini ends a turn of function calls with STOP, as it ends any complete turn.</summary>
    private static string ClientFinish(FinishReason reason) => reason switch
    {
        FinishReason.Length => "MAX_TOKENS",
        FinishReason.ContentFilter => "SAFETY",
        _ => "STOP",
    };

    /// <summary>
    /// Gemini counts cached tokens inside promptTokenCount, as the canonical model does. Thinking tokens are inside the
    /// canonical completion count; Gemini counts them apart (thoughtsTokenCount), so they leave the candidates.
    /// </summary>
    private static JsonObject UsageMetadata(ChatUsage usage)
    {
        var metadata = new JsonObject
        {
            ["promptTokenCount"] = usage.PromptTokens,
            ["candidatesTokenCount"] = usage.CompletionTokens - usage.ReasoningTokens,
            ["totalTokenCount"] = usage.PromptTokens + usage.CompletionTokens,
        };
        if (usage.ReasoningTokens > 0)
            metadata["thoughtsTokenCount"] = usage.ReasoningTokens;
        if (usage.CachedTokens > 0)
            metadata["cachedContentTokenCount"] = usage.CachedTokens;
        return metadata;
    }
}

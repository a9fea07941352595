using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// The canonical answer as a chat completion, for an OpenAI client whose model is another dialect's (the client side).
/// Tool call ids go out with a Gemini call's thought signature inside them (<see cref="SignedToolCallId"/>). The gateway's
/// own tool calls have no shape in chat completions and are not shown; its searches are, as the answer's citations of
/// them (<see cref="OpenAICitations"/>).
/// </summary>
public static class OpenAIChatResponseWriter
{
    /// <summary>
    /// Thinking goes out as <c>reasoning_content</c>, the field DeepSeek and vLLM use (OpenAI's own chat
    /// completions return no reasoning text); it is there only when the upstream thought, which a translated
    /// upstream does only when asked with reasoning_effort.
    /// </summary>
    public static JsonObject Write(ChatResponse response, long created)
    {
        var text = OpenAIAnswerText.Of(response.Parts);
        var calls = response.Parts.OfType<ToolCallPart>().ToList();
        var message = new JsonObject { ["role"] = "assistant", ["content"] = calls.Count > 0 && text.Length == 0 ? null : text };
        if (string.Concat(response.Parts.OfType<ThinkingPart>().Select(p => p.Text)) is { Length: > 0 } reasoning)
            message["reasoning_content"] = reasoning;
        if (OpenAICitations.For(text, ServerToolParts.Searches(response.Parts)) is { } annotations)
            message["annotations"] = annotations;
        if (calls.Count > 0)
            message["tool_calls"] = new JsonArray([.. calls.Select(c => (JsonNode)ToolCall(SignedToolCallId.Write(c.Id, c.Signature), c.Name, c.ArgumentsJson))]);
        return new JsonObject
        {
            ["id"] = response.Id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = response.Model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = Finish(response.FinishReason) }),
            ["usage"] = Usage(response.Usage),
        };
    }

    internal static JsonObject ToolCall(string id, string name, string arguments) =>
        new() { ["id"] = id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments } };

    /// <summary>The usage object; <c>completion_tokens_details</c> only when the model reasoned, so other answers read as before.</summary>
    internal static JsonObject Usage(ChatUsage usage)
    {
        var written = new JsonObject
        {
            ["prompt_tokens"] = usage.PromptTokens,
            ["completion_tokens"] = usage.CompletionTokens,
            ["total_tokens"] = usage.PromptTokens + usage.CompletionTokens,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.CachedTokens },
        };
        if (usage.ReasoningTokens > 0)
            written["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = usage.ReasoningTokens };
        return written;
    }

    internal static string? Finish(FinishReason? reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        FinishReason.ToolCalls => "tool_calls",
        FinishReason.ContentFilter => "content_filter",
        _ => null,
    };
}

using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>
/// The canonical answer as Anthropic's message, for an Anthropic client whose model is another dialect's (the client
/// side). Tool use ids carry a Gemini call's thought signature (<see cref="SignedToolCallId"/>). The gateway's own tool calls
/// are Anthropic's server tool blocks (<see cref="AnthropicServerToolBlocks"/>), its searches counted in
/// <c>usage.server_tool_use.web_search_requests</c>.
/// </summary>
public static class AnthropicResponseWriter
{
    /// <summary>
    /// Thinking becomes <c>thinking</c> blocks only when <paramref name="thinking"/> says the client enabled
    /// thinking, as Anthropic sends them only then.
    /// </summary>
    /// <param name="thinking">Whether the client's request had <c>thinking.type</c> enabled.</param>
    public static JsonObject Write(ChatResponse response, bool thinking = false) => new()
    {
        ["id"] = response.Id,
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = response.Model,
        ["content"] = new JsonArray([.. response.Parts.Select(p => p switch
        {
            ThinkingPart t => thinking ? AnthropicBlocks.Thinking(t.Text) : null,
            ToolCallPart call => AnthropicBlocks.Write(call with { Id = SignedToolCallId.Write(call.Id, call.Signature) }),
            ServerToolCallPart call => AnthropicServerToolBlocks.Call(call),
            ServerToolResultPart result => AnthropicServerToolBlocks.Result(result),
            _ => AnthropicBlocks.Write(p),
        }).OfType<JsonNode>()]),
        ["stop_reason"] = StopReason(response.FinishReason),
        ["stop_sequence"] = null,
        ["usage"] = AnthropicUsage.Write(response.Usage, response.Parts.OfType<ServerToolResultPart>().Count(AnthropicServerToolBlocks.IsSearchMade)),
    };

    /// <summary>
    /// No translated upstream tells a stop sequence from a natural end (OpenAI and Gemini both say "stop"),
    /// so both are end_turn; a content filter is Anthropic's refusal.
    /// </summary>
    internal static string? StopReason(FinishReason? reason) => reason switch
    {
        FinishReason.Stop => "end_turn",
        FinishReason.Length => "max_tokens",
        FinishReason.ToolCalls => "tool_use",
        FinishReason.ContentFilter => "refusal",
        _ => null,
    };
}

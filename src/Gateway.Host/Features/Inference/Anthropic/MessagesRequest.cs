using System.Text.Json.Nodes;

namespace Gateway.Host.Features.Inference.Anthropic;

/// <summary>
/// Anthropic's Messages request, as documented here. Every field Anthropic defines is accepted: to an
/// Anthropic upstream the body passes unchanged but for the model; to other upstreams the README's
/// feature table says what is mapped and what is dropped.
/// </summary>
/// <param name="Model"><c>provider:model</c>, <c>provider/model</c>, a model a provider lists, or an alias (a fallback chain).</param>
/// <param name="MaxTokens">Required, as Anthropic requires it; absent, 400.</param>
/// <param name="System">A string, or an array of text blocks.</param>
/// <param name="Messages">Alternating user and assistant turns of text, image, tool_use and tool_result blocks.</param>
/// <param name="Thinking"><c>{"type":"enabled","budget_tokens":N}</c>; a reasoning effort for other upstreams.</param>
internal sealed record MessagesRequest(
    string Model, int MaxTokens, JsonNode? System, IReadOnlyList<JsonObject> Messages, bool? Stream, double? Temperature,
    IReadOnlyList<JsonObject>? Tools, JsonObject? ToolChoice, IReadOnlyList<string>? StopSequences, JsonObject? Thinking, JsonObject? Metadata)
{
    public static MessagesRequest Example { get; } = new(
        "anthropic:claude-sonnet-4-5", 1024, JsonValue.Create("Be brief."),
        [new JsonObject { ["role"] = "user", ["content"] = "Write a haiku about key rotation." }],
        true, 0.7, null, null, null, null, new JsonObject { ["user_id"] = "user-123" });
}

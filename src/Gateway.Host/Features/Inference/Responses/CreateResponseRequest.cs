using System.Text.Json.Nodes;

namespace Gateway.Host.Features.Inference.Responses;

/// <summary>
/// OpenAI's Responses request, as documented here. To a provider that serves the Responses API the body passes
/// unchanged but for the model (and a <c>previous_response_id</c>, expanded); to others the README's feature table
/// says what is mapped and what is refused.
/// </summary>
/// <param name="Model"><c>provider:model</c>, <c>provider/model</c>, a model a provider lists, or an alias (a fallback chain).</param>
/// <param name="Input">A string (one user message), or items: messages with <c>input_text</c>/<c>input_image</c> parts, <c>function_call</c>, <c>function_call_output</c>, <c>reasoning</c>.</param>
/// <param name="Instructions">The system prompt of this request (not carried over from a previous response).</param>
/// <param name="Tools"><c>function</c> tools, <c>custom</c> and <c>namespace</c> tools, <c>web_search</c>, and the gateway's own (<c>gateway_web_search</c>, <c>gateway_code_execution</c>).</param>
/// <param name="Text"><c>{"format": {"type": "json_schema", "name": ..., "schema": {...}}}</c> or <c>{"type": "json_object"}</c>.</param>
/// <param name="Reasoning"><c>{"effort": "low" | "medium" | "high", "summary": "auto"}</c>.</param>
/// <param name="Store">True by default: the response is kept for <c>GET /v1/responses/{id}</c> and <c>previous_response_id</c>.</param>
/// <param name="PreviousResponseId">A stored response of the caller's organisation that this request continues.</param>
internal sealed record CreateResponseRequest(
    string Model, JsonNode Input, string? Instructions, IReadOnlyList<JsonObject>? Tools, JsonNode? ToolChoice, bool? ParallelToolCalls,
    JsonObject? Text, JsonObject? Reasoning, int? MaxOutputTokens, double? Temperature, double? TopP, JsonObject? Metadata, bool? Stream,
    bool? Store, string? PreviousResponseId, IReadOnlyList<string>? Include)
{
    public static CreateResponseRequest Example { get; } = new(
        "openai:gpt-4.1-mini", JsonValue.Create("Write a haiku about key rotation."), "Be brief.", null, JsonValue.Create("auto"), null, null, null,
        256, 0.7, null, new JsonObject { ["team"] = "docs" }, true, true, null, null);
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// A client's Responses API request read into the canonical model, when its model is one of an upstream that does not
/// serve the Responses API (the client side; one that does is passed the client's body). The input as
/// <see cref="OpenAIResponsesInput"/> reads it, the tools as <see cref="OpenAIResponsesTools"/> does. <c>max_output_tokens</c>
/// is the canonical limit; <c>text.format</c> the response format (json_schema, json_object); <c>reasoning.effort</c> the
/// nearest canonical effort (minimal and low are low, high and xhigh high), and <c>none</c> turns thinking off;
/// <c>reasoning.summary</c> asks to see the thinking, which comes back as a reasoning item's summary. The Responses API has
/// no stop sequences. The gateway's own tool entries are read into <see cref="ChatRequest.GatewayTools"/>, and its tool
/// items echoed in the input into the parts they were shown from (<see cref="OpenAIResponsesServerToolItems"/>). A
/// <c>previous_response_id</c> is the Host's to expand into the input before the request is read.
/// </summary>
public static class OpenAIResponsesRequestReader
{
    /// <summary>Reads a client's request; the problems name every item, part or tool that cannot be carried, and there is no request when there are any.</summary>
    public static (ChatRequest? Request, IReadOnlyList<string> Problems) Read(JsonObject body)
    {
        var problems = new List<string>();
        var names = ResponsesToolNames.Of(body);
        var (system, messages) = OpenAIResponsesInput.Read(body, names, problems);
        var (tools, choice) = OpenAIResponsesTools.Read(body, names, problems);
        var reasoning = body["reasoning"] as JsonObject;
        var effort = JsonText.Of(reasoning?["effort"]);
        var format = body["text"]?["format"];
        var request = new ChatRequest(
            (string)body["model"]!,
            system,
            messages,
            (int?)body["max_output_tokens"],
            (double?)body["temperature"],
            (double?)body["top_p"],
            [],
            tools,
            choice,
            (bool?)body["parallel_tool_calls"],
            JsonText.Of(format?["type"]) switch
            {
                "json_object" => new ChatResponseFormat(ResponseFormatKind.JsonObject),
                "json_schema" => new ChatResponseFormat(ResponseFormatKind.JsonSchema, format!["schema"]?.ToJsonString(), JsonText.Of(format["name"])),
                _ => null,
            },
            effort switch
            {
                "minimal" or "low" => ReasoningEffort.Low,
                "medium" => ReasoningEffort.Medium,
                "high" or "xhigh" => ReasoningEffort.High,
                _ => null,
            },
            JsonText.Of(body["safety_identifier"]) ?? JsonText.Of(body["user"]),
            body["stream"]?.GetValueKind() == JsonValueKind.True,
            ThinkingBudget: effort == "none" ? 0 : null,
            IncludeThinking: ShowsReasoning(body),
            GatewayTools: GatewayTools(body));
        return problems.Count == 0 ? (request, problems) : (null, problems);
    }

    /// <summary>
    /// The request's gateway tool entries (<c>{"type":"gateway_web_search", "max_results":3}</c>), each entry but its
    /// type being the tool's options; read from a body the validator accepted, before (and without) the rest.
    /// </summary>
    public static IReadOnlyList<GatewayToolUse> GatewayTools(JsonObject body) => GatewayToolEntries.ByType(body["tools"], named: false);

    /// <summary>The client's own functions, custom tools and namespaced tools, by the names the model is offered them under.</summary>
    public static IReadOnlyList<DeclaredFunction> DeclaredFunctions(JsonObject body) => OpenAIResponsesTools.DeclaredFunctions(body);

    /// <summary>
    /// Whether the input echoes the gateway's own tool items (<c>ws_gw_</c>, <c>ci_gw_</c> ids): an upstream that serves the
    /// Responses API would look for items it never made, so such a request goes through the canonical form.
    /// </summary>
    public static bool EchoesGatewayTools(JsonObject body) => (body["input"] as JsonArray ?? []).Any(OpenAIResponsesServerToolItems.IsEcho);

    /// <summary>Whether the client asked to see the model's reasoning (<c>reasoning.summary</c>, or its older name <c>generate_summary</c>).</summary>
    public static bool ShowsReasoning(JsonObject body) =>
        body["reasoning"] is JsonObject reasoning && (JsonText.Of(reasoning["summary"]) ?? JsonText.Of(reasoning["generate_summary"])) is not null;
}

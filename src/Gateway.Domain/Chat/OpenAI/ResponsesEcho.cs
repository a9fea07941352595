using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// What a response object repeats of the request that created it, read once from the client's body (before the Host
/// expands a <c>previous_response_id</c> in it): its parameters as the client sent them, or the API's defaults where it
/// sent none (<c>tool_choice</c> auto, <c>parallel_tool_calls</c> and <c>store</c> true, <c>truncation</c> disabled, a
/// plain-text format). <c>background</c> is always false, the only mode the gateway has. With them, what the writers need
/// of the request: the model as asked (for an answer whose upstream names none), the names of its tools, and whether the
/// client asked to see the reasoning.
/// </summary>
/// <param name="Parameters">The echoed fields, each written as it is into every response object.</param>
public sealed record ResponsesEcho(string Model, JsonObject Parameters, ResponsesToolNames Tools, bool ShowsReasoning)
{
    /// <summary>The echo of a body the validator accepted.</summary>
    public static ResponsesEcho Of(JsonObject body)
    {
        var reasoning = body["reasoning"] as JsonObject;
        var text = new JsonObject { ["format"] = body["text"]?["format"]?.DeepClone() ?? new JsonObject { ["type"] = "text" } };
        if (body["text"]?["verbosity"] is { } verbosity)
            text["verbosity"] = verbosity.DeepClone();
        var parameters = new JsonObject
        {
            ["instructions"] = Sent(body, "instructions"),
            ["max_output_tokens"] = Sent(body, "max_output_tokens"),
            ["parallel_tool_calls"] = Sent(body, "parallel_tool_calls") ?? true,
            ["previous_response_id"] = Sent(body, "previous_response_id"),
            ["reasoning"] = new JsonObject
            {
                ["effort"] = reasoning?["effort"]?.DeepClone(),
                ["summary"] = (reasoning?["summary"] ?? reasoning?["generate_summary"])?.DeepClone(),
            },
            ["store"] = Sent(body, "store") ?? true,
            ["temperature"] = Sent(body, "temperature"),
            ["text"] = text,
            ["tool_choice"] = Sent(body, "tool_choice") ?? "auto",
            ["tools"] = Sent(body, "tools") ?? new JsonArray(),
            ["top_p"] = Sent(body, "top_p"),
            ["truncation"] = Sent(body, "truncation") ?? "disabled",
            ["user"] = Sent(body, "user"),
            ["metadata"] = Sent(body, "metadata") ?? new JsonObject(),
        };
        foreach (var hint in new[] { "safety_identifier", "prompt_cache_key" })
        {
            if (Sent(body, hint) is { } value)
                parameters[hint] = value;
        }

        return new ResponsesEcho((string?)body["model"] ?? "", parameters, ResponsesToolNames.Of(body), OpenAIResponsesRequestReader.ShowsReasoning(body));
    }

    private static JsonNode? Sent(JsonObject body, string name) => body[name]?.DeepClone();
}

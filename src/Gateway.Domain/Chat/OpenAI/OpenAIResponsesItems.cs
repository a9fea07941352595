using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// The response object and its output items, as the answer writer and the event writer both make them. Item ids are
/// made from the response's id and the item's place in the output (<c>msg_{id}_{n}</c>, <c>fc_…</c>, <c>ctc_…</c>,
/// <c>rs_…</c>), so they are unique and the same however often the answer is written; the gateway's tool items carry
/// the model's call ids instead (<see cref="OpenAIResponsesServerToolItems"/>).
/// </summary>
internal static class OpenAIResponsesItems
{
    public const string ResponseIdPrefix = "resp_";

    public static string ItemId(string prefix, string responseId, int index) => ItemId(prefix, responseId, index.ToString(CultureInfo.InvariantCulture));

    /// <param name="place">Where the item is: its output index, or another mark of its own (an input item's).</param>
    public static string ItemId(string prefix, string responseId, string place) =>
        $"{prefix}_{(responseId.StartsWith(ResponseIdPrefix, StringComparison.Ordinal) ? responseId[ResponseIdPrefix.Length..] : responseId)}_{place}";

    /// <summary>The response object: its own fields, the request's echoed, then the model, the output and the usage.</summary>
    public static JsonObject Response(string id, long createdAt, ResponsesEcho echo, string model, string status, JsonArray output, ChatUsage? usage,
        JsonObject? error = null, JsonObject? incomplete = null)
    {
        var response = new JsonObject
        {
            ["id"] = id,
            ["object"] = "response",
            ["created_at"] = createdAt,
            ["status"] = status,
            ["background"] = false,
            ["error"] = error,
            ["incomplete_details"] = incomplete,
        };
        foreach (var (name, value) in echo.Parameters)
            response[name] = value?.DeepClone();
        response["model"] = model.Length > 0 ? model : echo.Model;
        response["output"] = output;
        response["usage"] = usage is null ? null : OpenAIResponsesUsage.Write(usage);
        return response;
    }

    /// <summary>The status an answer ends in: completed, or incomplete with the reason when it was cut short.</summary>
    public static (string Status, JsonObject? Incomplete) End(FinishReason? reason) => reason switch
    {
        FinishReason.Length => ("incomplete", new JsonObject { ["reason"] = "max_output_tokens" }),
        FinishReason.ContentFilter => ("incomplete", new JsonObject { ["reason"] = "content_filter" }),
        _ => ("completed", null),
    };

    public static JsonObject Message(string id, string status, JsonArray content) => new()
    {
        ["id"] = id, ["type"] = "message", ["status"] = status, ["content"] = content, ["role"] = "assistant",
    };

    public static JsonObject OutputText(string text, JsonArray annotations) => new()
    {
        ["type"] = "output_text", ["annotations"] = annotations, ["logprobs"] = new JsonArray(), ["text"] = text,
    };

    public static JsonObject Reasoning(string id, JsonArray summary) => new() { ["id"] = id, ["type"] = "reasoning", ["summary"] = summary };

    public static JsonObject SummaryText(string text) => new() { ["type"] = "summary_text", ["text"] = text };

    /// <summary>
    /// The item of a call the model made of the client's tool, as the client declared the tool: a function or a custom tool
    /// (which has no status of its own).
    /// </summary>
    public static JsonObject Call(string responseId, int index, ResponsesToolName tool, string callId, string status, string arguments)
    {
        var item = tool.Custom
            ? new JsonObject
            {
                ["id"] = ItemId("ctc", responseId, index), ["type"] = "custom_tool_call", ["call_id"] = callId, ["input"] = CustomInput(arguments), ["name"] = tool.Name,
            }
            : new JsonObject
            {
                ["id"] = ItemId("fc", responseId, index), ["type"] = "function_call", ["status"] = status, ["arguments"] = arguments, ["call_id"] = callId, ["name"] = tool.Name,
            };
        if (tool.Namespace is not null)
            item["namespace"] = tool.Namespace;
        return item;
    }

    /// <summary>
    /// A custom tool's input: the one string argument of the function it was offered as; anything else the model wrote
    /// goes as it came, so nothing it said is lost.
    /// </summary>
    public static string CustomInput(string arguments)
    {
        try
        {
            return JsonNode.Parse(arguments) is JsonObject { Count: 1 } only && JsonText.Of(only.First().Value) is { } input ? input : arguments;
        }
        catch (JsonException)
        {
            return arguments;
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// A client's OpenAI chat completions request read into the canonical model, when its model is another dialect's
/// (the client side; an OpenAI-compatible upstream is passed the client's body). System and developer messages join
/// into the system prompt; tool call ids come back apart from the Gemini thought signature the gateway put inside
/// them (<see cref="SignedToolCallId"/>), on the assistant's tool_calls and on the tool messages alike. The gateway's own
/// tool entries (<c>gateway_web_search</c>, <c>gateway_code_execution</c>) are read into <see cref="ChatRequest.GatewayTools"/>,
/// not as functions; no turn echoes their calls, which the gateway never shows an OpenAI chat client.
/// </summary>
public static class OpenAIChatRequestReader
{
    /// <summary>Reads a client's request; the problems name the fields that cannot be understood, and there is no request when there are any.</summary>
    public static (ChatRequest? Request, IReadOnlyList<string> Problems) Read(JsonObject body)
    {
        var problems = new List<string>();
        string? system = null;
        var messages = new List<ChatMessage>();
        foreach (var (node, i) in (body["messages"] as JsonArray ?? []).Select((m, i) => (m as JsonObject, i)))
        {
            if (node is null)
            {
                problems.Add($"messages[{i}] must be an object");
                continue;
            }

            var role = (string?)node["role"];
            switch (role)
            {
                case "system" or "developer":
                    system = system is null ? Text(node["content"]) : system + "\n\n" + Text(node["content"]);
                    break;
                case "user":
                    messages.Add(new ChatMessage(ChatRole.User, Parts(node["content"], $"messages[{i}].content", problems)));
                    break;
                case "assistant":
                    var parts = node["content"] is null ? [] : Parts(node["content"], $"messages[{i}].content", problems);
                    foreach (var call in node["tool_calls"] as JsonArray ?? [])
                    {
                        var (id, signature) = SignedToolCallId.Read((string?)call?["id"] ?? "");
                        parts.Add(new ToolCallPart(id, (string?)call?["function"]?["name"] ?? "", (string?)call?["function"]?["arguments"] ?? "{}", signature));
                    }

                    messages.Add(new ChatMessage(ChatRole.Assistant, parts));
                    break;
                case "tool":
                    messages.Add(new ChatMessage(ChatRole.Tool, [new ToolResultPart(SignedToolCallId.Read((string?)node["tool_call_id"] ?? "").Id, Text(node["content"]))]));
                    break;
                default:
                    problems.Add($"messages[{i}].role '{role}' is not system, developer, user, assistant or tool");
                    break;
            }
        }

        var tools = new List<ChatTool>();
        foreach (var tool in body["tools"] as JsonArray ?? [])
        {
            if (GatewayToolEntries.KindOfType(tool) is not null)
                continue;
            var function = tool?["function"];
            if ((string?)tool?["type"] != "function" || (string?)function?["name"] is not { } name)
            {
                problems.Add("tools must be {\"type\":\"function\",\"function\":{\"name\":...}} entries");
                continue;
            }

            tools.Add(new ChatTool(name, (string?)function["description"], function["parameters"]?.ToJsonString() ?? """{"type":"object","properties":{}}"""));
        }

        var request = new ChatRequest(
            (string)body["model"]!,
            system,
            messages,
            (int?)(body["max_completion_tokens"] ?? body["max_tokens"]),
            (double?)body["temperature"],
            (double?)body["top_p"],
            body["stop"] switch
            {
                JsonArray stops => [.. stops.Select(s => (string?)s).OfType<string>()],
                JsonValue one when one.GetValueKind() == JsonValueKind.String => [(string)one!],
                _ => [],
            },
            tools,
            ToolChoice(body["tool_choice"]),
            (bool?)body["parallel_tool_calls"],
            ResponseFormat(body["response_format"]),
            (string?)body["reasoning_effort"] switch
            {
                "low" or "minimal" => ReasoningEffort.Low,
                "medium" => ReasoningEffort.Medium,
                "high" => ReasoningEffort.High,
                _ => null,
            },
            (string?)body["user"],
            body["stream"]?.GetValueKind() == JsonValueKind.True,
            GatewayTools: GatewayTools(body));
        return problems.Count == 0 ? (request, problems) : (null, problems);
    }

    /// <summary>
    /// The request's gateway tool entries (<c>{"type":"gateway_web_search", "max_results":3}</c>), each entry but its
    /// type being the tool's options; read from a body the validator accepted, before (and without) the rest.
    /// </summary>
    public static IReadOnlyList<GatewayToolUse> GatewayTools(JsonObject body) => GatewayToolEntries.ByType(body["tools"], named: false);

    /// <summary>The client's own functions (<c>{"type":"function","function":{"name":...}}</c>), read from a body the validator accepted.</summary>
    public static IReadOnlyList<DeclaredFunction> DeclaredFunctions(JsonObject body) =>
        [.. (body["tools"] as JsonArray ?? []).Select((tool, i) => (string?)tool?["type"] == "function" && (string?)tool["function"]?["name"] is { } name
            ? new DeclaredFunction(name, $"tools[{i}].function.name")
            : null).OfType<DeclaredFunction>()];

    private static List<ChatPart> Parts(JsonNode? content, string at, List<string> problems)
    {
        if (content is null || content.GetValueKind() == JsonValueKind.String)
            return [new TextPart((string?)content ?? "")];
        var parts = new List<ChatPart>();
        foreach (var part in content as JsonArray ?? [])
        {
            switch ((string?)part?["type"])
            {
                case "text":
                    parts.Add(new TextPart((string?)part!["text"] ?? ""));
                    break;
                case "image_url":
                    var url = (string?)(part!["image_url"]?["url"] ?? part["image_url"]) ?? "";
                    parts.Add(Image(url));
                    break;
                default:
                    problems.Add($"{at}: parts of type '{(string?)part?["type"]}' are not supported (text and image_url are)");
                    break;
            }
        }

        return parts;
    }

    /// <summary>data:image/png;base64,... becomes inline data; anything else stays a URL.</summary>
    internal static ImagePart Image(string url)
    {
        if (url.StartsWith("data:", StringComparison.Ordinal) && url.IndexOf(";base64,", StringComparison.Ordinal) is var comma and > 5)
            return new ImagePart(url[5..comma], url[(comma + ";base64,".Length)..], null);
        return new ImagePart(null, null, url);
    }

    private static string Text(JsonNode? content) =>
        content is JsonArray parts ? string.Concat(parts.Select(p => (string?)p?["text"] ?? "")) : (string?)content ?? "";

    private static ChatToolChoice? ToolChoice(JsonNode? choice) => choice switch
    {
        null => null,
        JsonValue v when (string?)v == "auto" => new ChatToolChoice(ToolChoiceKind.Auto),
        JsonValue v when (string?)v == "none" => new ChatToolChoice(ToolChoiceKind.None),
        JsonValue v when (string?)v == "required" => new ChatToolChoice(ToolChoiceKind.Required),
        JsonObject o when (string?)o["function"]?["name"] is { } name => new ChatToolChoice(ToolChoiceKind.Named, name),
        _ => null,
    };

    private static ChatResponseFormat? ResponseFormat(JsonNode? format) => (string?)format?["type"] switch
    {
        "json_object" => new ChatResponseFormat(ResponseFormatKind.JsonObject),
        "json_schema" => new ChatResponseFormat(ResponseFormatKind.JsonSchema, format!["json_schema"]?["schema"]?.ToJsonString(), (string?)format["json_schema"]?["name"]),
        _ => null,
    };
}

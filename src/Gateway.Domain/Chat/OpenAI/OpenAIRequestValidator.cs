using System.Text.Json.Nodes;
using static Gateway.Domain.Chat.JsonChecks;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// What an OpenAI-dialect request must be before it is admitted, whatever upstream it reaches: the types
/// of every field the gateway reads and the structure the API requires (roles, content parts, tool
/// calls, tools, tool_choice, response_format, token and sampling ranges), every problem named at once.
/// Fields not named here are not looked at: they reach OpenAI-compatible upstreams as sent. The model
/// is checked by the run, for every dialect alike.
/// </summary>
public static partial class OpenAIRequestValidator
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    private static readonly string[] TextOnly = ["text"];
    private static readonly string[] UserParts = ["text", "image_url", "input_audio", "file"];
    private static readonly string[] AssistantParts = ["text", "refusal"];

    private static readonly string[] ToolChoices = ["none", "auto", "required"];
    private static readonly string[] ResponseFormats = ["text", "json_object", "json_schema"];
    private static readonly string[] CallTypes = ["function", "custom"];

    public static IReadOnlyList<FieldProblem> Chat(JsonObject body)
    {
        var check = new JsonChecks();
        if (check.Array(body["messages"], "messages", required: true, nonEmpty: true) is { } messages)
        {
            foreach (var (message, at) in check.Objects(messages, "messages"))
                Message(check, message, at);
        }

        check.Integer(body["max_tokens"], "max_tokens", min: 1);
        check.Integer(body["max_completion_tokens"], "max_completion_tokens", min: 1);
        check.Integer(body["n"], "n", min: 1);
        check.Bool(body["stream"], "stream");
        if (check.Object(body["stream_options"], "stream_options") is { } options)
            check.Bool(options["include_usage"], "stream_options.include_usage");
        check.Number(body["temperature"], "temperature", 0, 2);
        check.Number(body["top_p"], "top_p", 0, 1);
        if (body["stop"] is JsonArray)
            check.Strings(body["stop"], "stop");
        else if (!IsString(body["stop"]))
            check.Expected(body["stop"], "stop", "a string or an array of strings", required: false);
        check.Bool(body["parallel_tool_calls"], "parallel_tool_calls");
        check.String(body["reasoning_effort"], "reasoning_effort");
        check.String(body["user"], "user");
        check.Object(body[OpenAINativeTools.Field], OpenAINativeTools.Field);
        Tools(check, body["tools"]);
        ToolChoice(check, body["tool_choice"]);
        ResponseFormat(check, body["response_format"]);
        return check.Problems;
    }

    private static void Message(JsonChecks check, JsonObject message, string at)
    {
        var content = message["content"];
        switch (check.OneOf(message["role"], Field(at, "role"), Roles, required: true))
        {
            case "system" or "developer":
                Content(check, content, at, TextOnly, required: true);
                check.String(message["name"], Field(at, "name"));
                break;
            case "user":
                Content(check, content, at, UserParts, required: true);
                check.String(message["name"], Field(at, "name"));
                break;
            case "assistant":
                // An assistant turn may be only its tool calls, a refusal or an audio reply.
                var spoken = message["tool_calls"] is not null || message["function_call"] is not null || message["refusal"] is not null || message["audio"] is not null;
                Content(check, content, at, AssistantParts, required: !spoken);
                check.String(message["name"], Field(at, "name"));
                check.String(message["refusal"], Field(at, "refusal"));
                ToolCalls(check, message["tool_calls"], Field(at, "tool_calls"));
                if (check.Object(message["function_call"], Field(at, "function_call")) is { } call)
                    Call(check, call, Field(at, "function_call"));
                break;
            case "tool":
                check.String(message["tool_call_id"], Field(at, "tool_call_id"), required: true);
                Content(check, content, at, TextOnly, required: true);
                break;
            case "function":
                check.String(message["name"], Field(at, "name"), required: true);
                check.String(content, Field(at, "content"));
                break;
        }
    }

    private static void Content(JsonChecks check, JsonNode? content, string at, string[] parts, bool required)
    {
        var path = Field(at, "content");
        if (content is JsonArray array)
            Parts(check, array, path, parts);
        else if (!IsString(content))
            check.Expected(content, path, "a string or an array of content parts", required);
    }

    private static void Parts(JsonChecks check, JsonArray array, string path, string[] allowed)
    {
        foreach (var (part, at) in check.Objects(array, path))
        {
            switch (check.OneOf(part["type"], Field(at, "type"), allowed, required: true))
            {
                case "text":
                    check.String(part["text"], Field(at, "text"), required: true);
                    break;
                case "refusal":
                    check.String(part["refusal"], Field(at, "refusal"), required: true);
                    break;
                case "image_url":
                    if (check.Object(part["image_url"], Field(at, "image_url"), required: true) is { } image)
                    {
                        check.String(image["url"], Field(at, "image_url.url"), required: true);
                        check.String(image["detail"], Field(at, "image_url.detail"));
                    }

                    break;
                case "input_audio":
                    if (check.Object(part["input_audio"], Field(at, "input_audio"), required: true) is { } audio)
                    {
                        check.String(audio["data"], Field(at, "input_audio.data"), required: true);
                        check.String(audio["format"], Field(at, "input_audio.format"), required: true);
                    }

                    break;
                case "file":
                    if (check.Object(part["file"], Field(at, "file"), required: true) is { } file)
                    {
                        foreach (var field in new[] { "file_data", "file_id", "filename" })
                            check.String(file[field], Field(at, $"file.{field}"));
                    }

                    break;
            }
        }
    }

    private static void ToolCalls(JsonChecks check, JsonNode? node, string path)
    {
        if (check.Array(node, path) is not { } calls)
            return;
        foreach (var (call, at) in check.Objects(calls, path))
        {
            check.String(call["id"], Field(at, "id"), required: true);
            if (check.OneOf(call["type"], Field(at, "type"), CallTypes) == "custom")
            {
                if (check.Object(call["custom"], Field(at, "custom"), required: true) is { } custom)
                {
                    check.String(custom["name"], Field(at, "custom.name"), required: true);
                    check.String(custom["input"], Field(at, "custom.input"), required: true);
                }
            }
            else if (check.Object(call["function"], Field(at, "function"), required: true) is { } function)
            {
                Call(check, function, Field(at, "function"));
            }
        }
    }

    /// <summary>A function as a model called it: its name, and its arguments as a JSON string.</summary>
    private static void Call(JsonChecks check, JsonObject function, string at)
    {
        check.String(function["name"], Field(at, "name"), required: true);
        check.String(function["arguments"], Field(at, "arguments"), required: true);
    }

    private static void Tools(JsonChecks check, JsonNode? node)
    {
        foreach (var (tool, at, type) in GatewayToolEntries.OtherThanTheGateways(check, node))
        {
            // Other tool types are the upstream's to judge: OpenAI-compatible APIs add their own.
            switch (type)
            {
                case "function":
                    if (check.Object(tool["function"], Field(at, "function"), required: true) is { } function)
                    {
                        check.String(function["name"], Field(at, "function.name"), required: true);
                        check.String(function["description"], Field(at, "function.description"));
                        check.Object(function["parameters"], Field(at, "function.parameters"));
                        check.Bool(function["strict"], Field(at, "function.strict"));
                    }

                    break;
                case "custom":
                    if (check.Object(tool["custom"], Field(at, "custom"), required: true) is { } custom)
                        check.String(custom["name"], Field(at, "custom.name"), required: true);
                    break;
            }
        }
    }

    private static void ToolChoice(JsonChecks check, JsonNode? choice)
    {
        if (choice is not JsonObject named)
        {
            check.OneOf(choice, "tool_choice", ToolChoices);
            return;
        }

        // The function's name is read whatever the type says.
        var type = check.String(named["type"], "tool_choice.type", required: true);
        if (check.Object(named["function"], "tool_choice.function", required: type == "function") is { } function)
            check.String(function["name"], "tool_choice.function.name", required: true);
        switch (type)
        {
            case "custom":
                if (check.Object(named["custom"], "tool_choice.custom", required: true) is { } custom)
                    check.String(custom["name"], "tool_choice.custom.name", required: true);
                break;
            case "allowed_tools":
                check.Object(named["allowed_tools"], "tool_choice.allowed_tools", required: true);
                break;
        }
    }

    private static void ResponseFormat(JsonChecks check, JsonNode? node)
    {
        if (check.Object(node, "response_format") is not { } format)
            return;
        if (check.OneOf(format["type"], "response_format.type", ResponseFormats, required: true) != "json_schema")
            return;
        if (check.Object(format["json_schema"], "response_format.json_schema", required: true) is not { } schema)
            return;
        check.String(schema["name"], "response_format.json_schema.name", required: true);
        check.Object(schema["schema"], "response_format.json_schema.schema");
        check.Bool(schema["strict"], "response_format.json_schema.strict");
    }
}

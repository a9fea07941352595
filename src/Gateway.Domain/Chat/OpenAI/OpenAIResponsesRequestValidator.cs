using System.Text.Json.Nodes;
using static Gateway.Domain.Chat.JsonChecks;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// What a request of OpenAI's Responses API (<c>POST /v1/responses</c>) must be before it is admitted, whatever upstream
/// it reaches: the types of every field the gateway reads, the structure and limits the API sets (input items, tools,
/// tool_choice, text.format, reasoning, metadata, token and sampling ranges), every problem named at once. Input items and
/// tools of types the gateway does not read pass: an upstream that serves the Responses API judges them. Two things the
/// API offers are refused outright, as no upstream behind the gateway can honour them: <c>background: true</c> (the
/// gateway answers a response on the request that creates it) and <c>conversation</c> (OpenAI keeps a conversation at
/// one account; <c>previous_response_id</c>, which the gateway keeps itself, continues one on any upstream).
/// </summary>
public static partial class OpenAIResponsesRequestValidator
{
    /// <summary>OpenAI refuses fewer (<c>integer_below_min_value</c>), so a client of the API never sends fewer.</summary>
    public const int MinOutputTokens = 16;

    /// <summary>OpenAI's metadata limits: 16 pairs, keys of at most 64 characters, values of at most 512.</summary>
    public const int MetadataPairs = 16;

    public const int MetadataKeyLength = 64;

    public const int MetadataValueLength = 512;

    private static readonly string[] ToolChoices = ["none", "auto", "required"];
    private static readonly string[] AllowedModes = ["auto", "required"];
    private static readonly string[] Formats = ["text", "json_object", "json_schema"];
    private static readonly string[] Verbosities = ["low", "medium", "high"];
    private static readonly string[] Efforts = ["none", "minimal", "low", "medium", "high", "xhigh"];
    private static readonly string[] Summaries = ["auto", "concise", "detailed"];
    private static readonly string[] Truncations = ["auto", "disabled"];
    private static readonly string[] GrammarSyntaxes = ["lark", "regex"];

    public static IReadOnlyList<FieldProblem> Validate(JsonObject body)
    {
        var check = new JsonChecks();
        Input(check, body);
        check.String(body["instructions"], "instructions");
        check.Integer(body["max_output_tokens"], "max_output_tokens", min: MinOutputTokens);
        check.Integer(body["max_tool_calls"], "max_tool_calls", min: 1);
        check.Integer(body["top_logprobs"], "top_logprobs", min: 0);
        check.Number(body["temperature"], "temperature", 0, 2);
        check.Number(body["top_p"], "top_p", 0, 1);
        foreach (var flag in new[] { "stream", "store", "parallel_tool_calls" })
            check.Bool(body[flag], flag);
        foreach (var text in new[] { "previous_response_id", "prompt_cache_key", "safety_identifier", "user", "service_tier" })
            check.String(body[text], text);
        check.OneOf(body["truncation"], "truncation", Truncations);
        check.Strings(body["include"], "include");
        if (check.Object(body["stream_options"], "stream_options") is { } options)
            check.Bool(options["include_obfuscation"], "stream_options.include_obfuscation");
        Refused(check, body);
        Metadata(check, body["metadata"]);
        Text(check, body["text"]);
        Reasoning(check, body["reasoning"]);
        Tools(check, body["tools"]);
        ToolChoice(check, body["tool_choice"]);
        return check.Problems;
    }

    private static void Refused(JsonChecks check, JsonObject body)
    {
        check.Bool(body["background"], "background");
        if (body["background"] is JsonValue background && background.TryGetValue<bool>(out var yes) && yes)
            check.Add("background", "must be false: the gateway has no background mode (a response is answered on the request that creates it)");
        if (body["conversation"] is not null)
            check.Add("conversation", "is not supported: a conversation lives at one OpenAI account; continue with previous_response_id, which the gateway keeps for any upstream");
    }

    private static void Metadata(JsonChecks check, JsonNode? node)
    {
        if (check.Object(node, "metadata") is not { } metadata)
            return;
        if (metadata.Count > MetadataPairs)
            check.Add("metadata", $"must have at most {MetadataPairs} pairs, not {metadata.Count}");
        foreach (var (key, value) in metadata)
        {
            var at = Field("metadata", key);
            if (key.Length > MetadataKeyLength)
                check.Add(at, $"is a key of {key.Length} characters (at most {MetadataKeyLength})");
            if (check.String(value, at, required: true) is { Length: > MetadataValueLength } text)
                check.Add(at, $"is a value of {text.Length} characters (at most {MetadataValueLength})");
        }
    }

    private static void Text(JsonChecks check, JsonNode? node)
    {
        if (check.Object(node, "text") is not { } text)
            return;
        check.OneOf(text["verbosity"], "text.verbosity", Verbosities);
        if (check.Object(text["format"], "text.format") is not { } format)
            return;
        if (check.OneOf(format["type"], "text.format.type", Formats, required: true) != "json_schema")
            return;
        check.String(format["name"], "text.format.name", required: true);
        check.Object(format["schema"], "text.format.schema", required: true);
        check.String(format["description"], "text.format.description");
        check.Bool(format["strict"], "text.format.strict");
    }

    private static void Reasoning(JsonChecks check, JsonNode? node)
    {
        if (check.Object(node, "reasoning") is not { } reasoning)
            return;
        check.OneOf(reasoning["effort"], "reasoning.effort", Efforts);
        check.OneOf(reasoning["summary"], "reasoning.summary", Summaries);
        check.OneOf(reasoning["generate_summary"], "reasoning.generate_summary", Summaries);
    }

    private static void Tools(JsonChecks check, JsonNode? node)
    {
        foreach (var (tool, at, type) in GatewayToolEntries.OtherThanTheGateways(check, node))
        {
            // Hosted tools and types added later are the upstream's to judge.
            switch (type)
            {
                case "function":
                    Function(check, tool, at);
                    break;
                case "custom":
                    Custom(check, tool, at);
                    break;
                case "namespace":
                    Namespace(check, tool, at);
                    break;
            }
        }
    }

    private static void Function(JsonChecks check, JsonObject tool, string at)
    {
        check.String(tool["name"], Field(at, "name"), required: true);
        check.String(tool["description"], Field(at, "description"));
        check.Object(tool["parameters"], Field(at, "parameters"));
        check.Bool(tool["strict"], Field(at, "strict"));
    }

    private static void Custom(JsonChecks check, JsonObject tool, string at)
    {
        check.String(tool["name"], Field(at, "name"), required: true);
        check.String(tool["description"], Field(at, "description"));
        if (check.Object(tool["format"], Field(at, "format")) is not { } format)
            return;
        if (check.OneOf(format["type"], Field(at, "format.type"), ["text", "grammar"], required: true) != "grammar")
            return;
        check.OneOf(format["syntax"], Field(at, "format.syntax"), GrammarSyntaxes, required: true);
        check.String(format["definition"], Field(at, "format.definition"), required: true);
    }

    /// <summary>A namespace groups functions (and custom tools) under its name, which calls of them carry back.</summary>
    private static void Namespace(JsonChecks check, JsonObject tool, string at)
    {
        check.String(tool["name"], Field(at, "name"), required: true);
        check.String(tool["description"], Field(at, "description"));
        if (check.Array(tool["tools"], Field(at, "tools"), required: true) is not { } members)
            return;
        foreach (var (member, path) in check.Objects(members, Field(at, "tools")))
        {
            switch (check.OneOf(member["type"], Field(path, "type"), ["function", "custom"], required: true))
            {
                case "function":
                    Function(check, member, path);
                    break;
                case "custom":
                    Custom(check, member, path);
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

        // Hosted tool types (web_search_preview, file_search, mcp, ...) are the upstream's to judge.
        switch (check.String(named["type"], "tool_choice.type", required: true))
        {
            case "function" or "custom":
                check.String(named["name"], "tool_choice.name", required: true);
                break;
            case "allowed_tools":
                check.OneOf(named["mode"], "tool_choice.mode", AllowedModes, required: true);
                if (check.Array(named["tools"], "tool_choice.tools", required: true) is { } allowed)
                {
                    foreach (var (tool, at) in check.Objects(allowed, "tool_choice.tools"))
                    {
                        check.String(tool["type"], Field(at, "type"), required: true);
                        check.String(tool["name"], Field(at, "name"));
                    }
                }

                break;
        }
    }
}

using System.Text.Json.Nodes;
using static Gateway.Domain.Chat.JsonChecks;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>
/// What a request of Anthropic's Messages API (and count_tokens) must be before it is admitted, whatever
/// upstream it reaches: the types of every field the gateway reads and the structure the API requires,
/// every problem named at once. Fields not named here reach Anthropic upstreams as sent.
/// </summary>
public static class AnthropicRequestValidator
{
    private static readonly string[] Roles = ["user", "assistant"];

    /// <summary>
    /// Every content block type of the Messages API, betas included (as the Anthropic SDK 13.12 lists them);
    /// only those the gateway reads or every block of that type must carry are looked into.
    /// </summary>
    private static readonly string[] BlockTypes =
    [
        "text", "image", "document", "search_result", "thinking", "redacted_thinking", "tool_use", "tool_result", "server_tool_use",
        "web_search_tool_result", "web_fetch_tool_result", "advisor_tool_result", "code_execution_tool_result", "bash_code_execution_tool_result",
        "text_editor_code_execution_tool_result", "tool_search_tool_result", "mcp_tool_use", "mcp_tool_result", "container_upload", "compaction",
        "tool_reference", "tool_addition", "tool_removal", "mcp_tool_listing", "fallback",
    ];

    private static readonly string[] ImageSources = ["base64", "url", "file"];
    private static readonly string[] ToolChoices = ["auto", "any", "tool", "none"];
    private static readonly string[] ThinkingTypes = ["enabled", "disabled", "adaptive"];

    public static IReadOnlyList<FieldProblem> Messages(JsonObject body) => Check(body, counting: false);

    /// <summary>count_tokens takes a Messages request without max_tokens.</summary>
    public static IReadOnlyList<FieldProblem> CountTokens(JsonObject body) => Check(body, counting: true);

    private static IReadOnlyList<FieldProblem> Check(JsonObject body, bool counting)
    {
        var check = new JsonChecks();
        if (check.Array(body["messages"], "messages", required: true, nonEmpty: true) is { } messages)
        {
            foreach (var (message, at) in check.Objects(messages, "messages"))
            {
                check.OneOf(message["role"], Field(at, "role"), Roles, required: true);
                Content(check, message["content"], Field(at, "content"), required: true);
            }
        }

        // count_tokens takes none, but one sent is read when the request is translated.
        check.Integer(body["max_tokens"], "max_tokens", min: 1, required: !counting);
        System(check, body["system"]);
        check.Bool(body["stream"], "stream");
        check.Number(body["temperature"], "temperature", 0, 1);
        check.Number(body["top_p"], "top_p", 0, 1);
        check.Integer(body["top_k"], "top_k", min: 0);
        check.Strings(body["stop_sequences"], "stop_sequences");
        if (check.Object(body["metadata"], "metadata") is { } metadata)
            check.String(metadata["user_id"], "metadata.user_id");
        Tools(check, body["tools"]);
        ToolChoice(check, body["tool_choice"]);
        Thinking(check, body["thinking"]);
        return check.Problems;
    }

    private static void Content(JsonChecks check, JsonNode? content, string path, bool required)
    {
        if (content is JsonArray blocks)
            Blocks(check, blocks, path);
        else if (!IsString(content))
            check.Expected(content, path, "a string or an array of content blocks", required);
    }

    private static void Blocks(JsonChecks check, JsonArray blocks, string path)
    {
        foreach (var (block, at) in check.Objects(blocks, path))
        {
            var type = check.OneOf(block["type"], Field(at, "type"), BlockTypes, required: true);
            switch (type)
            {
                case "text":
                    check.String(block["text"], Field(at, "text"), required: true);
                    break;
                case "image" or "document":
                    // A document's sources (base64, text, content, url, file) each carry their own fields.
                    if (check.Object(block["source"], Field(at, "source"), required: true) is { } source)
                        Source(check, source, Field(at, "source"), image: type == "image");
                    break;
                case "tool_use" or "server_tool_use":
                    check.String(block["id"], Field(at, "id"), required: true);
                    check.String(block["name"], Field(at, "name"), required: true);
                    check.Object(block["input"], Field(at, "input"), required: true);
                    break;
                case "tool_result":
                    check.String(block["tool_use_id"], Field(at, "tool_use_id"), required: true);
                    Content(check, block["content"], Field(at, "content"), required: false);
                    check.Bool(block["is_error"], Field(at, "is_error"));
                    break;
                case "thinking":
                    check.String(block["thinking"], Field(at, "thinking"), required: true);
                    check.String(block["signature"], Field(at, "signature"), required: true);
                    break;
                case "redacted_thinking":
                    check.String(block["data"], Field(at, "data"), required: true);
                    break;
                case "web_search_tool_result" or "code_execution_tool_result":
                    // Anthropic's own results are Anthropic's to judge; the gateway reads back the ones it wrote.
                    if (AnthropicServerToolIds.Gateway.IsGateways(check.String(block["tool_use_id"], Field(at, "tool_use_id"), required: true)))
                        EchoedResult(check, block["content"], Field(at, "content"), search: type == "web_search_tool_result");
                    break;
            }
        }
    }

    /// <summary>A result the gateway showed: an error (its error_code), or the search's results or the run's output.</summary>
    private static void EchoedResult(JsonChecks check, JsonNode? content, string path, bool search)
    {
        if (content is JsonObject { } error && error.ContainsKey("error_code"))
        {
            check.String(error["error_code"], Field(path, "error_code"), required: true);
            return;
        }

        if (search)
        {
            if (check.Array(content, path, required: true) is not { } results)
                return;
            foreach (var (result, at) in check.Objects(results, path))
            {
                check.String(result["url"], Field(at, "url"), required: true);
                check.String(result["title"], Field(at, "title"));
                check.String(result["page_age"], Field(at, "page_age"));
            }

            return;
        }

        if (check.Object(content, path, required: true) is not { } run)
            return;
        check.String(run["stdout"], Field(path, "stdout"));
        check.String(run["stderr"], Field(path, "stderr"));
        check.Integer(run["return_code"], Field(path, "return_code"), min: int.MinValue);
    }

    private static void Source(JsonChecks check, JsonObject source, string at, bool image)
    {
        var type = image
            ? check.OneOf(source["type"], Field(at, "type"), ImageSources, required: true)
            : check.String(source["type"], Field(at, "type"), required: true);
        switch (type)
        {
            case "base64":
                check.String(source["media_type"], Field(at, "media_type"), required: true);
                check.String(source["data"], Field(at, "data"), required: true);
                break;
            case "url":
                check.String(source["url"], Field(at, "url"), required: true);
                break;
            case "file":
                check.String(source["file_id"], Field(at, "file_id"), required: true);
                break;
        }
    }

    /// <summary>A string, or text blocks (each may carry a cache_control mark).</summary>
    private static void System(JsonChecks check, JsonNode? system)
    {
        if (system is not JsonArray blocks)
        {
            if (!IsString(system))
                check.Expected(system, "system", "a string or an array of text blocks", required: false);
            return;
        }

        foreach (var (block, at) in check.Objects(blocks, "system"))
        {
            check.OneOf(block["type"], Field(at, "type"), ["text"], required: true);
            check.String(block["text"], Field(at, "text"), required: true);
        }
    }

    /// <summary>
    /// A custom tool (no type, or <c>custom</c>) needs its name and input_schema; Anthropic's server tools
    /// (<c>web_search_20250305</c>, <c>bash_20250124</c>, ...) are told apart by their versioned type, and the
    /// gateway's (<c>gateway_web_search</c>, ...) by theirs, their name optional and their options the tool's to judge.
    /// </summary>
    private static void Tools(JsonChecks check, JsonNode? node)
    {
        if (check.Array(node, "tools") is not { } tools)
            return;
        var gatewayTools = new HashSet<GatewayToolKind>();
        foreach (var (tool, at) in check.Objects(tools, "tools"))
        {
            var type = check.String(tool["type"], Field(at, "type"));
            if (type is not null && GatewayToolNames.FromType(type) is { } kind)
            {
                GatewayToolEntries.Once(check, gatewayTools, kind, at);
                check.String(tool["name"], Field(at, "name"));
                continue;
            }

            if (AnthropicNativeTools.KindOf(type) is GatewayToolKind.WebSearch)
            {
                // Checked here as Anthropic checks them, since the gateway's search may run in its place.
                check.Integer(tool["max_uses"], Field(at, "max_uses"), min: 1);
                check.Strings(tool["allowed_domains"], Field(at, "allowed_domains"));
                check.Strings(tool["blocked_domains"], Field(at, "blocked_domains"));
            }

            var custom = tool["type"] is null || type == "custom";
            check.String(tool["name"], Field(at, "name"), required: custom);
            check.String(tool["description"], Field(at, "description"));
            if (custom)
                check.Object(tool["input_schema"], Field(at, "input_schema"), required: true);
        }
    }

    private static void ToolChoice(JsonChecks check, JsonNode? node)
    {
        if (check.Object(node, "tool_choice") is not { } choice)
            return;
        if (check.OneOf(choice["type"], "tool_choice.type", ToolChoices, required: true) == "tool")
            check.String(choice["name"], "tool_choice.name", required: true);
        check.Bool(choice["disable_parallel_tool_use"], "tool_choice.disable_parallel_tool_use");
    }

    /// <summary>An enabled thinking needs a budget of at least 1024 tokens, as Anthropic requires.</summary>
    private static void Thinking(JsonChecks check, JsonNode? node)
    {
        if (check.Object(node, "thinking") is { } thinking
            && check.OneOf(thinking["type"], "thinking.type", ThinkingTypes, required: true) == "enabled")
            check.Integer(thinking["budget_tokens"], "thinking.budget_tokens", min: 1024, required: true);
    }
}

using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>
/// The blocks Anthropic shows its own server tools in, for the gateway's: <c>server_tool_use</c> for a call (its id
/// behind the gateway's prefix, <see cref="AnthropicServerToolIds"/>), then <c>web_search_tool_result</c> or
/// <c>code_execution_tool_result</c> for what it returned, or their error shapes for a run that failed. Search results
/// carry no <c>encrypted_content</c>: that is Anthropic's signature over the page, which the gateway cannot make, and a
/// made-up one would be a lie. A run's files are not listed: Anthropic lists them by its Files API ids, which the
/// gateway has none of (their names and sizes are in what the model read).
/// </summary>
internal static class AnthropicServerToolBlocks
{
    public static JsonObject Call(ServerToolCallPart call) => new()
    {
        ["type"] = "server_tool_use", ["id"] = AnthropicServerToolIds.Gateway.Write(call.Id), ["name"] = call.Name, ["input"] = AnthropicBlocks.Input(call.ArgumentsJson),
    };

    public static JsonObject Result(ServerToolResultPart result) => new()
    {
        ["type"] = result.Kind switch
        {
            GatewayToolKind.WebSearch => "web_search_tool_result",
            GatewayToolKind.CodeExecution => "code_execution_tool_result",
        },
        ["tool_use_id"] = AnthropicServerToolIds.Gateway.Write(result.ToolCallId),
        ["content"] = result.Outcome switch
        {
            WebSearchOutcome search => new JsonArray([.. search.Hits.Select(h => (JsonNode)new JsonObject
            {
                ["type"] = "web_search_result", ["url"] = h.Url, ["title"] = h.Title, ["page_age"] = h.Date,
            })]),
            CodeRunOutcome { TimedOut: true } => Error(result.Kind, "execution_time_exceeded"),
            CodeRunOutcome run => new JsonObject
            {
                ["type"] = "code_execution_result", ["stdout"] = run.Stdout, ["stderr"] = run.Stderr, ["return_code"] = run.ExitCode, ["content"] = new JsonArray(),
            },
            // No outcome: the run failed, and the text the model read says why.
            _ => Error(result.Kind, "unavailable"),
        },
    };

    /// <summary>Searches that ran, for <c>usage.server_tool_use.web_search_requests</c>; a failed one is not billed, so not counted.</summary>
    public static bool IsSearchMade(ServerToolResultPart result) => result.Outcome is WebSearchOutcome;

    private static JsonObject Error(GatewayToolKind kind, string code) => new()
    {
        ["type"] = kind switch
        {
            GatewayToolKind.WebSearch => "web_search_tool_result_error",
            GatewayToolKind.CodeExecution => "code_execution_tool_result_error",
        },
        ["error_code"] = code,
    };
}

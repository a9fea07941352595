using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// The gateway's tool calls as the output items OpenAI shows its own hosted tools in: a search as a
/// <c>web_search_call</c> (its query, and the URLs it found as the action's <c>sources</c>, which OpenAI gives when asked
/// and the gateway always gives, since the titles and pages are in what the model read, and the message's
/// <c>url_citation</c> annotations cite them), a code run as a <c>code_interpreter_call</c> (its code, and its stdout and
/// stderr as one <c>logs</c> output). Each item's id is the model's call id (with a Gemini call's thought signature inside,
/// <see cref="SignedToolCallId"/>) behind a prefix of the gateway's (<c>ws_gw_</c>, <c>ci_gw_</c>): a client sends output
/// items back as input on its next turn, and the id is what tells the gateway's items from OpenAI's own and carries the
/// call to the upstream as the function call it was. The items have no <c>container_id</c> of note (empty): every run
/// has a sandbox of its own that no later call can address. A run's files are not listed, as OpenAI lists them by ids
/// of its Files API.
/// </summary>
internal static class OpenAIResponsesServerToolItems
{
    public static ServerToolIds SearchIds { get; } = new("ws_gw_");

    public static ServerToolIds CodeIds { get; } = new("ci_gw_");

    public const string SearchType = "web_search_call";

    public const string CodeType = "code_interpreter_call";

    public static string ItemId(ServerToolCallPart call) => Ids(call.Kind).Write(SignedToolCallId.Write(call.Id, call.Signature));

    public static string TypeOf(GatewayToolKind kind) => kind switch
    {
        GatewayToolKind.WebSearch => SearchType,
        GatewayToolKind.CodeExecution => CodeType,
    };

    /// <summary>The item of a call, with its result once it has one (<c>in_progress</c> until then).</summary>
    public static JsonObject Item(ServerToolCallPart call, ServerToolResultPart? result) => call.Kind switch
    {
        GatewayToolKind.WebSearch => new JsonObject
        {
            ["id"] = ItemId(call),
            ["type"] = SearchType,
            ["status"] = result is null ? "in_progress" : result.Outcome is WebSearchOutcome ? "completed" : "failed",
            ["action"] = Action(call, result?.Outcome as WebSearchOutcome),
        },
        GatewayToolKind.CodeExecution => new JsonObject
        {
            ["id"] = ItemId(call),
            ["type"] = CodeType,
            ["status"] = result?.Outcome switch
            {
                null when result is null => "in_progress",
                CodeRunOutcome { TimedOut: true } => "incomplete",
                CodeRunOutcome => "completed",
                _ => "failed",
            },
            ["code"] = Code(call),
            ["container_id"] = "",
            ["outputs"] = result is null ? null : new JsonArray(new JsonObject { ["type"] = "logs", ["logs"] = Logs(result) }),
        },
    };

    /// <summary>The code a call runs, for the item and its <c>code_interpreter_call_code</c> events.</summary>
    public static string Code(ServerToolCallPart call) => Argument(call.ArgumentsJson, "code") ?? call.ArgumentsJson;

    /// <summary>Whether an input item is one of the gateway's, echoed by the client.</summary>
    public static bool IsEcho(JsonNode? item) => JsonText.Of(item?["type"]) switch
    {
        SearchType => SearchIds.IsGateways(JsonText.Of(item!["id"])),
        CodeType => CodeIds.IsGateways(JsonText.Of(item!["id"])),
        _ => false,
    };

    /// <summary>An echoed item (<see cref="IsEcho"/>) as the call and the result it was shown from.</summary>
    public static (ServerToolCallPart Call, ServerToolResultPart Result) Read(JsonObject item)
    {
        var kind = JsonText.Of(item["type"]) == SearchType ? GatewayToolKind.WebSearch : GatewayToolKind.CodeExecution;
        var (id, signature) = SignedToolCallId.Read(Ids(kind).Read(JsonText.Of(item["id"]) ?? ""));
        var status = JsonText.Of(item["status"]) ?? "completed";
        if (kind == GatewayToolKind.WebSearch)
        {
            var query = JsonText.Of(item["action"]?["query"]) ?? "";
            var call = new ServerToolCallPart(id, kind, GatewayToolNames.Type(kind), new JsonObject { ["query"] = query }.ToJsonString(), signature);
            if (status != "completed")
                return (call, new ServerToolResultPart(id, kind, ServerToolEchoText.Failed(kind, status), null));
            var search = new WebSearchOutcome(query, [.. (item["action"]?["sources"] as JsonArray ?? []).Select(s => JsonText.Of(s?["url"])).OfType<string>()
                .Select(url => new WebSearchHit("", url, null, null, null))]);
            return (call, new ServerToolResultPart(id, kind, ServerToolEchoText.For(search), search));
        }

        var code = JsonText.Of(item["code"]) ?? "";
        var logs = string.Concat((item["outputs"] as JsonArray ?? []).Select(o => JsonText.Of(o?["logs"])));
        var run = new ServerToolCallPart(id, kind, GatewayToolNames.Type(kind), new JsonObject { ["code"] = code }.ToJsonString(), signature);
        CodeRunOutcome? outcome = status switch
        {
            "completed" => new CodeRunOutcome(code, logs, "", 0, TimedOut: false, []),
            "incomplete" => new CodeRunOutcome(code, logs, "", 0, TimedOut: true, []),
            _ => null,
        };
        // The item shows no exit code: the model reads the status it showed.
        return (run, new ServerToolResultPart(id, kind, ServerToolEchoText.ForOutcome(status, logs), outcome));
    }

    private static ServerToolIds Ids(GatewayToolKind kind) => kind switch
    {
        GatewayToolKind.WebSearch => SearchIds,
        GatewayToolKind.CodeExecution => CodeIds,
    };

    private static JsonObject Action(ServerToolCallPart call, WebSearchOutcome? search)
    {
        var action = new JsonObject { ["type"] = "search", ["query"] = search?.Query ?? Argument(call.ArgumentsJson, "query") ?? "" };
        if (search is not null)
            action["sources"] = new JsonArray([.. search.Hits.Select(h => (JsonNode)new JsonObject { ["type"] = "url", ["url"] = h.Url })]);
        return action;
    }

    /// <summary>A run's output as one log, stdout then stderr; a run that failed outright shows why, as the model read it.</summary>
    private static string Logs(ServerToolResultPart result) => result.Outcome switch
    {
        CodeRunOutcome run when run.Stdout.Length > 0 && run.Stderr.Length > 0 => run.Stdout.EndsWith('\n') ? run.Stdout + run.Stderr : run.Stdout + "\n" + run.Stderr,
        CodeRunOutcome run => run.Stdout + run.Stderr,
        _ => result.Text,
    };

    private static string? Argument(string argumentsJson, string name)
    {
        try
        {
            return JsonText.Of(JsonNode.Parse(argumentsJson)?[name]);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>
/// The gateway's own <c>server_tool_use</c> blocks, and the <c>web_search_tool_result</c> / <c>code_execution_tool_result</c>
/// blocks answering them, as a client echoes them in an assistant turn: read back into the parts they were shown from,
/// so that the upstream is sent the function calls they were. They are told from Anthropic's own server tools by their
/// ids (<see cref="AnthropicServerToolIds"/>); Anthropic's own stay refused, as only Anthropic can read them. One instance
/// per request read, as a result needs the call it answers.
/// </summary>
internal sealed class AnthropicServerToolEchoes(IReadOnlyList<GatewayToolUse> uses)
{
    private readonly Dictionary<string, ServerToolCallPart> _calls = [];

    public static bool IsEcho(JsonNode block) =>
        (string?)block["type"] switch
        {
            "server_tool_use" => AnthropicServerToolIds.Gateway.IsGateways(JsonText.Of(block["id"])),
            "web_search_tool_result" or "code_execution_tool_result" => AnthropicServerToolIds.Gateway.IsGateways(JsonText.Of(block["tool_use_id"])),
            _ => false,
        };

    /// <summary>The block as its part; null, with the problem added, when it cannot be read.</summary>
    public ChatPart? Read(JsonNode block, string at, List<string> problems)
    {
        var type = (string?)block["type"];
        if (type == "server_tool_use")
            return Call(block, at, problems);
        var id = AnthropicServerToolIds.Gateway.Read(JsonText.Of(block["tool_use_id"]) ?? "");
        if (!_calls.TryGetValue(id, out var call))
        {
            problems.Add($"{at}: {type} answers no earlier server_tool_use of the gateway's ('{JsonText.Of(block["tool_use_id"])}')");
            return null;
        }

        var kind = type == "web_search_tool_result" ? GatewayToolKind.WebSearch : GatewayToolKind.CodeExecution;
        if (kind != call.Kind)
        {
            problems.Add($"{at}: {type} answers a call of {call.Name}, which is not {GatewayToolNames.Type(kind)}");
            return null;
        }

        var content = block["content"];
        if (JsonText.Of((content as JsonObject)?["error_code"]) is { } error)
            return new ServerToolResultPart(call.Id, kind, ServerToolEchoText.Failed(kind, error), null);
        return kind switch
        {
            GatewayToolKind.WebSearch => Result(call, Search(call, content)),
            GatewayToolKind.CodeExecution => Result(call, Run(call, content)),
        };
    }

    private static ServerToolResultPart Result(ServerToolCallPart call, WebSearchOutcome search) => new(call.Id, call.Kind, ServerToolEchoText.For(search), search);

    private static ServerToolResultPart Result(ServerToolCallPart call, CodeRunOutcome run) => new(call.Id, call.Kind, ServerToolEchoText.For(run), run);

    private ServerToolCallPart? Call(JsonNode block, string at, List<string> problems)
    {
        var name = JsonText.Of(block["name"]) ?? "";
        if (KindNamed(name) is not { } kind)
        {
            problems.Add($"{at}: server_tool_use '{name}' names none of the gateway's tools");
            return null;
        }

        var call = new ServerToolCallPart(AnthropicServerToolIds.Gateway.Read(JsonText.Of(block["id"]) ?? ""), kind, name, block["input"]?.ToJsonString() ?? "{}");
        _calls[call.Id] = call;
        return call;
    }

    /// <summary>The request's entry the client calls <paramref name="name"/>: the name it gave the entry, or the tool's default name.</summary>
    public static GatewayToolUse? UseNamed(string? name, IReadOnlyList<GatewayToolUse> uses) =>
        uses.FirstOrDefault(u => (u.Name ?? GatewayToolNames.AnthropicDefaultName(u.Kind)) == name);

    /// <summary>
    /// The tool an echoed block names: the request's entry of that name, else (the client no longer asks for the tool)
    /// the tool of that default name or type.
    /// </summary>
    private GatewayToolKind? KindNamed(string name) =>
        UseNamed(name, uses)?.Kind
        ?? Enum.GetValues<GatewayToolKind>().Cast<GatewayToolKind?>().FirstOrDefault(k => GatewayToolNames.AnthropicDefaultName(k!.Value) == name || GatewayToolNames.Type(k!.Value) == name);

    private static WebSearchOutcome Search(ServerToolCallPart call, JsonNode? content) => new(
        Argument(call, "query"),
        [.. (content as JsonArray ?? []).OfType<JsonObject>().Select(r => new WebSearchHit(JsonText.Of(r["title"]) ?? "", JsonText.Of(r["url"]) ?? "", JsonText.Of(r["page_age"]), null, null))]);

    private static CodeRunOutcome Run(ServerToolCallPart call, JsonNode? content) => new(
        Argument(call, "code"),
        JsonText.Of(content?["stdout"]) ?? "",
        JsonText.Of(content?["stderr"]) ?? "",
        content?["return_code"] is JsonValue code && code.TryGetValue<int>(out var exit) ? exit : 0,
        TimedOut: false,
        []);

    private static string Argument(ServerToolCallPart call, string name)
    {
        try
        {
            return JsonText.Of(JsonNode.Parse(call.ArgumentsJson)?[name]) ?? "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}

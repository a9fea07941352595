using Gateway.Domain.Chat;

namespace Gateway.Domain.Tests.Chat.GatewayTools;

/// <summary>What the answer tests share: an answer after the gateway searched and ran code, as the loop shows it.</summary>
internal static class ToolAnswers
{
    public static readonly ServerToolCallPart Search = new("call_1", GatewayToolKind.WebSearch, "web_search", """{"query":"gateway news"}""");

    public static readonly ServerToolResultPart Found = new("call_1", GatewayToolKind.WebSearch, "Web search for \"gateway news\": 2 results.", new WebSearchOutcome("gateway news",
    [
        new WebSearchHit("One", "https://a.example/1", "2026-01-02", "snippet", "# One"),
        new WebSearchHit("Two", "https://b.example/2", null, null, null),
    ]));

    public static readonly ServerToolCallPart Run = new("call_2", GatewayToolKind.CodeExecution, "code_execution", """{"code":"print(6*7)"}""");

    public static readonly ServerToolResultPart Ran = new("call_2", GatewayToolKind.CodeExecution, "Exit code 0.\n--- stdout ---\n42", new CodeRunOutcome("print(6*7)", "42\n", "", 0, false, []));

    /// <summary>A request as the loop sends it on: with the gateway's functions offered after the client's.</summary>
    public static ChatRequest Offered(ChatRequest request) =>
        request with { Tools = [.. request.Tools, .. request.GatewayTools.Select(u => new ChatTool(GatewayToolNames.Type(u.Kind), null, """{"type":"object"}"""))] };

    /// <summary>Cites the first result by its marker and the second by its URL; "[7]" numbers no result.</summary>
    public const string Answer = "One [1] says so, as does https://b.example/2; [7] is not a result. 6*7 is 42.";

    public static ChatResponse Response() =>
        new("msg_1", "m", [new TextPart("Looking. "), Search, Found, Run, Ran, new TextPart(Answer)], FinishReason.Stop, new ChatUsage(10, 5, 0));

    /// <summary>The same answer as a stream shows it: the loop's parts come as whole deltas between the calls' text.</summary>
    public static ChatDelta[] Deltas() =>
    [
        new StreamStarted("msg_1", "m", null), new TextDelta("Looking. "),
        new ServerToolCallDelta(0, Search), new ServerToolResultDelta(Found), new ServerToolCallDelta(1, Run), new ServerToolResultDelta(Ran),
        new TextDelta(Answer), new StreamFinished(FinishReason.Stop, new ChatUsage(10, 5, 0)),
    ];
}

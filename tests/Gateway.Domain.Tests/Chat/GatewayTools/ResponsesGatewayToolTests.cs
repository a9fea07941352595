using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Domain.Tests.Chat.OpenAI;
using static Gateway.Domain.Tests.Chat.GatewayTools.ToolAnswers;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.GatewayTools;

/// <summary>
/// The gateway's tool calls as a Responses client sees them: OpenAI's own hosted tool items (web_search_call,
/// code_interpreter_call), and read back into the calls they were when the client sends the output back as input.
/// </summary>
public sealed class ResponsesGatewayToolTests
{
    private static readonly ResponsesEcho Echo = ResponsesEcho.Of(Json("""{"model":"m","input":"x","tools":[{"type":"gateway_web_search"},{"type":"gateway_code_execution"}]}"""));

    private static JsonArray Output(ChatResponse response) => OpenAIResponsesAnswerWriter.Write(response, "resp_abc", 1, Echo)["output"]!.AsArray();

    [Fact]
    public void Should_show_searches_and_code_runs_as_hosted_tool_items_between_the_messages_and_cite_the_results()
    {
        var output = Output(Response());
        var marker = Answer.IndexOf("[1]", StringComparison.Ordinal);
        var url = Answer.IndexOf("https://b.example/2", StringComparison.Ordinal);

        ResponsesCases.AssertJson(
            $$$"""
            [{"id":"msg_abc_0","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Looking. "}],"role":"assistant"},
             {"id":"ws_gw_call_1","type":"web_search_call","status":"completed",
              "action":{"type":"search","query":"gateway news","sources":[{"type":"url","url":"https://a.example/1"},{"type":"url","url":"https://b.example/2"}]}},
             {"id":"ci_gw_call_2","type":"code_interpreter_call","status":"completed","code":"print(6*7)","container_id":"","outputs":[{"type":"logs","logs":"42\n"}]},
             {"id":"msg_abc_3","type":"message","status":"completed","content":[{"type":"output_text","annotations":[
               {"type":"url_citation","url":"https://a.example/1","title":"One","start_index":{{{marker}}},"end_index":{{{marker + 3}}}},
               {"type":"url_citation","url":"https://b.example/2","title":"Two","start_index":{{{url}}},"end_index":{{{url + 19}}}}],"logprobs":[],"text":"{{{Answer}}}"}],"role":"assistant"}]
            """,
            output);
    }

    [Fact]
    public void Should_show_a_failed_search_and_a_run_out_of_time_by_their_status_and_a_runs_stderr_after_its_stdout()
    {
        var failed = Found with { Outcome = null, Text = "the search backend is down" };
        var timedOut = Ran with { Outcome = new CodeRunOutcome("print(6*7)", "partial\n", "Killed", 137, TimedOut: true, []) };

        var output = Output(new ChatResponse("r", "m", [Search, failed, Run, timedOut], FinishReason.Stop, ChatUsage.None));

        Assert.Equal(("failed", null), ((string?)output[0]!["status"], output[0]!["action"]!["sources"]));
        Assert.Equal(("incomplete", "partial\nKilled"), ((string?)output[1]!["status"], (string?)output[1]!["outputs"]![0]!["logs"]));
    }

    [Fact]
    public void Should_read_the_items_sent_back_as_the_calls_and_results_they_were_shown_from()
    {
        var body = new JsonObject
        {
            ["model"] = "m",
            ["tools"] = JsonNode.Parse("""[{"type":"gateway_web_search"},{"type":"gateway_code_execution"}]"""),
            ["input"] = new JsonArray([JsonNode.Parse("""{"role":"user","content":"news?"}"""), .. Output(Response()).Select(i => i!.DeepClone()), JsonNode.Parse("""{"role":"user","content":"thanks"}""")]),
        };

        Assert.True(OpenAIResponsesRequestReader.EchoesGatewayTools(body));
        var (request, problems) = OpenAIResponsesRequestReader.Read(body);
        Assert.Empty(problems);
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant, ChatRole.User], request!.Messages.Select(m => m.Role));
        Assert.Equal([new TextPart("Looking. "), Search with { Name = "gateway_web_search" }], request.Messages[1].Parts);
        var search = Assert.IsType<ServerToolResultPart>(Assert.Single(request.Messages[2].Parts));
        Assert.Equal(["https://a.example/1", "https://b.example/2"], Assert.IsType<WebSearchOutcome>(search.Outcome).Hits.Select(h => h.Url));
        Assert.StartsWith("Web search for \"gateway news\" (an earlier turn", search.Text, StringComparison.Ordinal);
        Assert.Equal([Run with { Name = "gateway_code_execution" }], request.Messages[3].Parts);
        var run = Assert.IsType<ServerToolResultPart>(Assert.Single(request.Messages[4].Parts));
        Assert.Equal(("call_2", "Outcome completed.\n--- output ---\n42"), (run.ToolCallId, run.Text));
        Assert.Equal([new TextPart(Answer)], request.Messages[5].Parts);
    }

    [Fact]
    public void Should_carry_a_gemini_signature_of_a_gateway_call_in_its_item_id_and_back()
    {
        var signed = Search with { Signature = "sig-1" };
        var item = Output(new ChatResponse("r", "m", [signed, Found], FinishReason.Stop, ChatUsage.None))[0]!;
        Assert.Equal("ws_gw_" + SignedToolCallId.Write("call_1", "sig-1"), (string?)item["id"]);

        var (request, _) = OpenAIResponsesRequestReader.Read(new JsonObject { ["model"] = "m", ["input"] = new JsonArray(item.DeepClone()) });

        var call = Assert.IsType<ServerToolCallPart>(Assert.Single(request!.Messages[0].Parts));
        Assert.Equal(("call_1", "sig-1", """{"query":"gateway news"}"""), (call.Id, call.Signature, call.ArgumentsJson));
    }

    [Fact]
    public void Should_tell_the_gateways_items_from_openais_own_by_their_ids()
    {
        Assert.False(OpenAIResponsesRequestReader.EchoesGatewayTools(Json("""{"input":[{"type":"web_search_call","id":"ws_68a1","status":"completed","action":{"type":"search","query":"q"}}]}""")));
        Assert.False(OpenAIResponsesRequestReader.EchoesGatewayTools(Json("""{"input":"hi"}""")));
    }
}

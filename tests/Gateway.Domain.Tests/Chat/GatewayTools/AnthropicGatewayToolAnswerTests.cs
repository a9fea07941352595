using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using static Gateway.Domain.Tests.Chat.GatewayTools.ToolAnswers;

namespace Gateway.Domain.Tests.Chat.GatewayTools;

/// <summary>The gateway's tool calls as an Anthropic client sees them: Anthropic's own server tool blocks, whole and streamed.</summary>
public sealed class AnthropicGatewayToolAnswerTests
{
    [Fact]
    public void Should_show_calls_as_server_tool_use_and_results_as_anthropics_result_blocks_without_signatures()
    {
        var message = AnthropicResponseWriter.Write(Response());
        var content = message["content"]!.AsArray();

        Assert.Equal("""{"type":"server_tool_use","id":"srvtoolu_gw_call_1","name":"web_search","input":{"query":"gateway news"}}""", content[1]!.ToJsonString());
        Assert.Equal(
            """{"type":"web_search_tool_result","tool_use_id":"srvtoolu_gw_call_1","content":[{"type":"web_search_result","url":"https://a.example/1","title":"One","page_age":"2026-01-02"},{"type":"web_search_result","url":"https://b.example/2","title":"Two","page_age":null}]}""",
            content[2]!.ToJsonString());
        Assert.Equal(
            """{"type":"code_execution_tool_result","tool_use_id":"srvtoolu_gw_call_2","content":{"type":"code_execution_result","stdout":"42\n","stderr":"","return_code":0,"content":[]}}""",
            content[4]!.ToJsonString());
        Assert.DoesNotContain("encrypted_content", message.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("""{"web_search_requests":1}""", message["usage"]!["server_tool_use"]!.ToJsonString());
    }

    [Fact]
    public void Should_show_a_failed_run_and_a_timed_out_one_as_anthropics_error_shapes()
    {
        var message = AnthropicResponseWriter.Write(new ChatResponse("m1", "m", [
            Search, Found with { Outcome = null, Text = "the backend did not answer" },
            Run, Ran with { Outcome = new CodeRunOutcome("while 1: pass", "", "", -9, true, []) }], FinishReason.Stop, ChatUsage.None));
        var content = message["content"]!.AsArray();

        Assert.Equal("""{"type":"web_search_tool_result_error","error_code":"unavailable"}""", content[1]!["content"]!.ToJsonString());
        Assert.Equal("""{"type":"code_execution_tool_result_error","error_code":"execution_time_exceeded"}""", content[3]!["content"]!.ToJsonString());
        Assert.Null(message["usage"]!["server_tool_use"]);
    }

    [Fact]
    public void Should_leave_usage_as_it_was_for_an_answer_without_gateway_tools() =>
        Assert.Null(AnthropicResponseWriter.Write(new ChatResponse("m1", "m", [new TextPart("hi")], FinishReason.Stop, ChatUsage.None))["usage"]!["server_tool_use"]);

    [Fact]
    public void Should_read_back_the_blocks_it_wrote_when_the_client_echoes_them()
    {
        var content = AnthropicResponseWriter.Write(Response())["content"]!.DeepClone();
        var (request, problems) = AnthropicRequestReader.Read(new JsonObject
        {
            ["model"] = "m", ["max_tokens"] = 5,
            ["tools"] = new JsonArray(new JsonObject { ["type"] = "gateway_web_search" }, new JsonObject { ["type"] = "gateway_code_execution" }),
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "q" }, new JsonObject { ["role"] = "assistant", ["content"] = content }),
        });

        Assert.Empty(problems);
        var parts = request!.Messages.Skip(1).SelectMany(m => m.Parts).ToList();
        Assert.Equal([Search, Run], parts.OfType<ServerToolCallPart>());
        var results = parts.OfType<ServerToolResultPart>().ToList();
        Assert.Equal(["call_1", "call_2"], results.Select(r => r.ToolCallId));
        Assert.Equal(["https://a.example/1", "https://b.example/2"], Assert.IsType<WebSearchOutcome>(results[0].Outcome).Hits.Select(h => h.Url));
        Assert.Equal("42\n", Assert.IsType<CodeRunOutcome>(results[1].Outcome).Stdout);
    }

    [Fact]
    public void Should_stream_each_call_as_a_whole_block_with_its_input_as_one_delta_and_each_result_as_a_whole_block()
    {
        var writer = new AnthropicEventWriter(estimatedInputTokens: 10);
        var events = Deltas().SelectMany(writer.Events).Select(e => e.Data.ToJsonString()).ToList();

        Assert.Equal(
            [
                """{"type":"content_block_stop","index":0}""",
                """{"type":"content_block_start","index":1,"content_block":{"type":"server_tool_use","id":"srvtoolu_gw_call_1","name":"web_search","input":{}}}""",
                """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\u0022query\u0022:\u0022gateway news\u0022}"}}""",
                """{"type":"content_block_stop","index":1}""",
            ],
            events[3..7]);
        Assert.StartsWith("""{"type":"content_block_start","index":2,"content_block":{"type":"web_search_tool_result","tool_use_id":"srvtoolu_gw_call_1","content":[""", events[7], StringComparison.Ordinal);
        Assert.Equal("""{"type":"content_block_stop","index":2}""", events[8]);
        Assert.Equal("""{"type":"content_block_start","index":5,"content_block":{"type":"text","text":""}}""", events[14]);
        var delta = JsonNode.Parse(events[^2])!;
        Assert.Equal("message_delta", (string?)delta["type"]);
        Assert.Equal(1, (int?)delta["usage"]!["server_tool_use"]!["web_search_requests"]);
    }
}

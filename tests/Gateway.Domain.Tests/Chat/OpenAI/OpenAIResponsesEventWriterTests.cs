using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Domain.Tests.Chat.GatewayTools;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.OpenAI;

/// <summary>The Responses API's stream as the gateway writes it: OpenAI's event order and fields, numbered from 0 without a gap.</summary>
public sealed class OpenAIResponsesEventWriterTests
{
    private static readonly ChatUsage Usage = new(10, 5, 2, ReasoningTokens: 1);

    private static OpenAIResponsesEventWriter Writer(string body = """{"model":"fake:gpt","input":"hi"}""") => new("resp_abc", 1700000000, ResponsesEcho.Of(Json(body)));

    /// <summary>Each frame as the client reads it: its event name (checked against the data's type) and its data.</summary>
    private static List<JsonObject> Events(IEnumerable<string> frames)
    {
        var events = new List<JsonObject>();
        foreach (var frame in string.Concat(frames).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = frame.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            var data = JsonNode.Parse(lines[1]["data: ".Length..])!.AsObject();
            Assert.Equal(lines[0]["event: ".Length..], (string?)data["type"]);
            events.Add(data);
        }

        return events;
    }

    private static List<JsonObject> Stream(OpenAIResponsesEventWriter writer, params ChatDelta[] deltas) =>
        Events([.. deltas.SelectMany(writer.Write), .. writer.Complete(Usage)]);

    private static List<string?> Types(List<JsonObject> events) => [.. events.Select(e => (string?)e["type"])];

    private static void AssertNumbered(List<JsonObject> events) => Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => (int)e["sequence_number"]!));

    [Fact]
    public void Should_stream_a_text_answer_in_openais_order_numbered_from_zero()
    {
        var events = Stream(Writer(), new StreamStarted("u", "claude-x", null), new TextDelta("Hel"), new TextDelta("lo"), new StreamFinished(FinishReason.Stop, Usage));

        Assert.Equal(
            [
                "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
            ],
            Types(events));
        AssertNumbered(events);
        Assert.Equal(("in_progress", 0, null), ((string?)events[0]["response"]!["status"], events[0]["response"]!["output"]!.AsArray().Count, events[0]["response"]!["usage"]));
        Assert.Equal(("resp_abc", "claude-x"), ((string?)events[1]["response"]!["id"], (string?)events[1]["response"]!["model"]));
        ResponsesCases.AssertJson("""{"id":"msg_abc_0","type":"message","status":"in_progress","content":[],"role":"assistant"}""", events[2]["item"]);
        ResponsesCases.AssertJson("""{"type":"response.content_part.added","sequence_number":3,"item_id":"msg_abc_0","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}}""", events[3]);
        ResponsesCases.AssertJson("""{"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_abc_0","output_index":0,"content_index":0,"delta":"Hel","logprobs":[]}""", events[4]);
        ResponsesCases.AssertJson("""{"type":"response.output_text.done","sequence_number":6,"item_id":"msg_abc_0","output_index":0,"content_index":0,"text":"Hello","logprobs":[]}""", events[6]);
        ResponsesCases.AssertJson("""{"id":"msg_abc_0","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello"}],"role":"assistant"}""", events[8]["item"]);
    }

    [Fact]
    public void Should_end_with_the_response_object_the_answer_writer_makes_for_the_same_answer()
    {
        const string body = """{"model":"fake:gpt","input":"hi","instructions":"be brief","metadata":{"team":"a"},"tools":[{"type":"function","name":"look"}]}""";
        var writer = Writer(body);
        var events = Stream(writer,
            new StreamStarted("u", "claude-x", null), new TextDelta("Looking."), new ToolCallStarted(0, "call_1", "look"), new ToolCallArgumentsDelta(0, "{}"),
            new StreamFinished(FinishReason.ToolCalls, Usage));

        var whole = OpenAIResponsesAnswerWriter.Write(
            new ChatResponse("u", "claude-x", [new TextPart("Looking."), new ToolCallPart("call_1", "look", "{}")], FinishReason.ToolCalls, Usage), "resp_abc", 1700000000, ResponsesEcho.Of(Json(body)));
        Assert.Equal("response.completed", (string?)events[^1]["type"]);
        ResponsesCases.AssertJson(whole.ToJsonString(), events[^1]["response"]);
        ResponsesCases.AssertJson(whole.ToJsonString(), writer.Response);
        Assert.Equal(events.Count, writer.NextSequenceNumber);
    }

    [Fact]
    public void Should_stream_the_reasoning_as_a_summary_item_before_the_text_only_when_the_client_asked_for_one()
    {
        ChatDelta[] deltas = [new StreamStarted("u", "m", null), new ThinkingDelta("Hmm."), new TextDelta("42"), new StreamFinished(FinishReason.Stop, Usage)];

        var shown = Stream(Writer("""{"model":"m","input":"x","reasoning":{"summary":"auto"}}"""), deltas);
        Assert.Equal(
            [
                "response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_summary_part.added", "response.reasoning_summary_text.delta", "response.reasoning_summary_text.done",
                "response.reasoning_summary_part.done", "response.output_item.done",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed",
            ],
            Types(shown));
        AssertNumbered(shown);
        ResponsesCases.AssertJson("""{"type":"response.reasoning_summary_text.delta","sequence_number":4,"item_id":"rs_abc_0","output_index":0,"summary_index":0,"delta":"Hmm."}""", shown[4]);
        ResponsesCases.AssertJson("""{"id":"rs_abc_0","type":"reasoning","summary":[{"type":"summary_text","text":"Hmm."}]}""", shown[7]["item"]);
        Assert.Equal(("msg_abc_1", 1), ((string?)shown[10]["item_id"], (int)shown[10]["output_index"]!));

        var hidden = Stream(Writer("""{"model":"m","input":"x"}"""), deltas);
        Assert.DoesNotContain("response.reasoning_summary_text.delta", Types(hidden));
        Assert.Equal(["message"], hidden[^1]["response"]!["output"]!.AsArray().Select(i => (string?)i!["type"]));
    }

    [Fact]
    public void Should_give_each_of_two_parallel_calls_its_own_interleaved_argument_deltas()
    {
        var events = Stream(Writer("""{"model":"m","input":"x","tools":[{"type":"function","name":"a"},{"type":"function","name":"b"}]}"""),
            new StreamStarted("u", "m", null),
            new ToolCallStarted(0, "call_a", "a"), new ToolCallArgumentsDelta(0, """{"x":"""),
            new ToolCallStarted(1, "call_b", "b", "sig"), new ToolCallArgumentsDelta(1, """{"y":"""),
            new ToolCallArgumentsDelta(0, "1}"), new ToolCallArgumentsDelta(1, "2}"),
            new StreamFinished(FinishReason.ToolCalls, Usage));

        Assert.Equal(
            [
                "response.created", "response.in_progress",
                "response.output_item.added", "response.function_call_arguments.delta", "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.function_call_arguments.done", "response.output_item.done",
                "response.completed",
            ],
            Types(events));
        AssertNumbered(events);
        ResponsesCases.AssertJson("""{"id":"fc_abc_0","type":"function_call","status":"in_progress","arguments":"","call_id":"call_a","name":"a"}""", events[2]["item"]);
        Assert.Equal(
            [("fc_abc_0", 0, """{"x":"""), ("fc_abc_1", 1, """{"y":"""), ("fc_abc_0", 0, "1}"), ("fc_abc_1", 1, "2}")],
            events.Where(e => (string?)e["type"] == "response.function_call_arguments.delta").Select(e => ((string?)e["item_id"], (int)e["output_index"]!, (string?)e["delta"])));
        ResponsesCases.AssertJson("""{"type":"response.function_call_arguments.done","sequence_number":8,"item_id":"fc_abc_0","output_index":0,"name":"a","arguments":"{\"x\":1}"}""", events[8]);
        ResponsesCases.AssertJson(
            $$"""{"id":"fc_abc_1","type":"function_call","status":"completed","arguments":"{\"y\":2}","call_id":"{{SignedToolCallId.Write("call_b", "sig")}}","name":"b"}""", events[11]["item"]);
    }

    [Fact]
    public void Should_stream_a_custom_tools_input_whole_and_a_namespaced_call_under_its_namespace()
    {
        var events = Stream(Writer("""
            {"model":"m","input":"x","tools":[{"type":"custom","name":"apply_patch"},{"type":"namespace","name":"ns","description":"","tools":[{"type":"function","name":"f"}]}]}
            """),
            new StreamStarted("u", "m", null),
            new ToolCallStarted(0, "call_1", "apply_patch"), new ToolCallArgumentsDelta(0, """{"input":"*** Be"""), new ToolCallArgumentsDelta(0, """gin"}"""),
            new ToolCallStarted(1, "call_2", "ns__f"),
            new StreamFinished(FinishReason.ToolCalls, Usage));

        Assert.Equal(
            [
                "response.created", "response.in_progress", "response.output_item.added", "response.output_item.added",
                "response.custom_tool_call_input.delta", "response.custom_tool_call_input.done", "response.output_item.done",
                "response.function_call_arguments.delta", "response.function_call_arguments.done", "response.output_item.done", "response.completed",
            ],
            Types(events));
        Assert.Equal(("*** Begin", "*** Begin"), ((string?)events[4]["delta"], (string?)events[5]["input"]));
        ResponsesCases.AssertJson("""{"id":"ctc_abc_0","type":"custom_tool_call","call_id":"call_1","input":"*** Begin","name":"apply_patch"}""", events[6]["item"]);
        ResponsesCases.AssertJson("""{"id":"fc_abc_1","type":"function_call","status":"completed","arguments":"{}","call_id":"call_2","name":"f","namespace":"ns"}""", events[9]["item"]);
    }

    [Theory]
    [InlineData(FinishReason.Length, "response.incomplete", "incomplete", """{"reason":"max_output_tokens"}""")]
    [InlineData(FinishReason.ContentFilter, "response.incomplete", "incomplete", """{"reason":"content_filter"}""")]
    [InlineData(FinishReason.Stop, "response.completed", "completed", null)]
    public void Should_end_a_cut_short_answer_with_response_incomplete(FinishReason finish, string type, string status, string? details)
    {
        var last = Stream(Writer(), new StreamStarted("u", "m", null), new TextDelta("part"), new StreamFinished(finish, Usage))[^1];

        Assert.Equal((type, status, details), ((string?)last["type"], (string?)last["response"]!["status"], last["response"]!["incomplete_details"]?.ToJsonString()));
        ResponsesCases.AssertJson(
            """{"input_tokens":10,"input_tokens_details":{"cached_tokens":2},"output_tokens":5,"output_tokens_details":{"reasoning_tokens":1},"total_tokens":15}""",
            last["response"]!["usage"]);
    }

    [Fact]
    public void Should_end_a_failed_stream_with_an_error_event_then_response_failed_numbered_on()
    {
        var writer = Writer();
        var frames = new List<string>();
        foreach (var delta in new ChatDelta[] { new StreamStarted("u", "m", null), new TextDelta("Hel"), new ToolCallStarted(0, "call_1", "look") })
            frames.AddRange(writer.Write(delta));
        frames.Add(writer.Failure(502, "upstream_stream_interrupted", "the upstream stream broke off"));
        var events = Events(frames);

        AssertNumbered(events);
        Assert.Equal(["error", "response.failed"], Types(events)[^2..]);
        ResponsesCases.AssertJson(
            $$$"""
            {"type":"error","sequence_number":{{{events.Count - 2}}},"code":"upstream_stream_interrupted","message":"the upstream stream broke off","param":null,
             "error":{"type":"api_error","code":"upstream_stream_interrupted","message":"the upstream stream broke off","param":null}}
            """,
            events[^2]);
        var failed = events[^1]["response"]!;
        Assert.Equal(("failed", """{"code":"upstream_stream_interrupted","message":"the upstream stream broke off"}"""), ((string?)failed["status"], failed["error"]!.ToJsonString()));
        // The message was done when the call began; the call never was.
        Assert.Equal(["msg_abc_0"], failed["output"]!.AsArray().Select(i => (string?)i!["id"]));
        ResponsesCases.AssertJson(failed.ToJsonString(), writer.Response);
        Assert.Empty(writer.Complete(Usage));
        Assert.Empty(writer.Write(new TextDelta("more")));
    }

    [Fact]
    public void Should_tell_the_client_when_the_upstream_stopped_without_finishing()
    {
        var events = Stream(Writer(), new StreamStarted("u", "m", null), new TextDelta("Hel"));

        Assert.Equal(["error", "response.failed"], Types(events)[^2..]);
        Assert.Equal("upstream_stream_interrupted", (string?)events[^2]["code"]);
        AssertNumbered(events);
    }

    [Fact]
    public void Should_end_with_the_failure_frames_when_the_upstream_reports_an_error()
    {
        var events = Events(new[] { new StreamStarted("u", "m", null), (ChatDelta)new StreamFailed("overloaded") }.SelectMany(Writer().Write));

        Assert.Equal(["response.created", "response.in_progress", "error", "response.failed"], Types(events));
        Assert.Equal(("upstream_error", "overloaded"), ((string?)events[2]["code"], (string?)events[2]["error"]!["message"]));
    }

    [Fact]
    public void Should_write_the_failure_frames_of_a_passed_through_stream_numbered_on_from_its_last_event()
    {
        var upstream = Json("""{"id":"resp_up","object":"response","status":"in_progress","error":null,"output":[],"model":"gpt-4o"}""");

        var events = Events([OpenAIResponsesEventWriter.ErrorFrames(504, "stream_idle_timeout", "the upstream went quiet", 7, upstream)]);

        Assert.Equal([("error", 7), ("response.failed", 8)], events.Select(e => ((string?)e["type"], (int)e["sequence_number"]!)));
        Assert.Equal(("api_error", "stream_idle_timeout"), ((string?)events[0]["error"]!["type"], (string?)events[0]["code"]));
        ResponsesCases.AssertJson(
            """{"id":"resp_up","object":"response","status":"failed","error":{"code":"stream_idle_timeout","message":"the upstream went quiet"},"output":[],"model":"gpt-4o","incomplete_details":null}""",
            events[1]["response"]);
        Assert.Equal("in_progress", (string?)upstream["status"]);
        Assert.Equal(["error"], Types(Events([OpenAIResponsesEventWriter.ErrorFrames(502, "upstream_error", "x", 0, null)])));
    }

    [Fact]
    public void Should_keep_numbering_across_the_calls_of_a_loop_and_show_the_gateways_tools_as_hosted_tool_items()
    {
        var writer = Writer();
        var events = Events([
            .. new ChatDelta[]
            {
                new StreamStarted("u", "m", null), new TextDelta("Looking. "),
                new ServerToolCallDelta(0, ToolAnswers.Search), new ServerToolResultDelta(ToolAnswers.Found),
                new ServerToolCallDelta(1, ToolAnswers.Run), new ServerToolResultDelta(ToolAnswers.Ran),
                new TextDelta("One [1] says so."), new StreamFinished(FinishReason.Stop, Usage),
            }.SelectMany(writer.Write),
            .. writer.Complete(Usage)]);

        AssertNumbered(events);
        Assert.Equal(
            [
                "response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.web_search_call.in_progress", "response.web_search_call.searching", "response.web_search_call.completed", "response.output_item.done",
                "response.output_item.added", "response.code_interpreter_call.in_progress", "response.code_interpreter_call_code.delta", "response.code_interpreter_call_code.done",
                "response.code_interpreter_call.interpreting", "response.code_interpreter_call.completed", "response.output_item.done",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.annotation.added", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed",
            ],
            Types(events));
        ResponsesCases.AssertJson("""{"id":"ws_gw_call_1","type":"web_search_call","status":"in_progress","action":{"type":"search","query":"gateway news"}}""", events[8]["item"]);
        ResponsesCases.AssertJson(
            """{"id":"ws_gw_call_1","type":"web_search_call","status":"completed","action":{"type":"search","query":"gateway news","sources":[{"type":"url","url":"https://a.example/1"},{"type":"url","url":"https://b.example/2"}]}}""",
            events[12]["item"]);
        Assert.Equal("print(6*7)", (string?)events[15]["delta"]);
        ResponsesCases.AssertJson(
            """{"id":"ci_gw_call_2","type":"code_interpreter_call","status":"completed","code":"print(6*7)","container_id":"","outputs":[{"type":"logs","logs":"42\n"}]}""", events[19]["item"]);
        ResponsesCases.AssertJson(
            """{"type":"url_citation","url":"https://a.example/1","title":"One","start_index":4,"end_index":7}""", events[23]["annotation"]);
        Assert.Equal(4, events[^1]["response"]!["output"]!.AsArray().Count);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat.Anthropic;

/// <summary>Golden translations between the OpenAI chat format and Anthropic's Messages API, through the canonical model.</summary>
public sealed class OpenAIToAnthropicTests
{
    private static JsonObject Translate(string openAiRequest, string model = "claude-sonnet-4-5")
    {
        var (request, problems) = OpenAIChatRequestReader.Read(JsonNode.Parse(openAiRequest)!.AsObject());
        Assert.Empty(problems);
        return AnthropicRequestWriter.Write(request!, model);
    }

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual.ToJsonString()}");

    [Fact]
    public void Should_map_system_turns_sampling_stops_and_the_required_max_tokens()
    {
        var body = Translate("""
            {"model":"anthropic:claude","messages":[
              {"role":"system","content":"Be terse."},
              {"role":"user","content":"Hi"},
              {"role":"assistant","content":"Hello."},
              {"role":"user","content":[{"type":"text","text":"Count to three"}]}],
             "temperature":0.2,"top_p":0.9,"stop":["4"],"user":"u-42"}
            """);

        AssertJson("""
            {"model":"claude-sonnet-4-5","max_tokens":4096,
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Hi"}]},
               {"role":"assistant","content":[{"type":"text","text":"Hello."}]},
               {"role":"user","content":[{"type":"text","text":"Count to three"}]}],
             "system":"Be terse.","temperature":0.2,"top_p":0.9,"stop_sequences":["4"],"metadata":{"user_id":"u-42"}}
            """, body);
    }

    [Fact]
    public void Should_map_tools_tool_calls_and_merge_consecutive_tool_results_into_one_user_turn()
    {
        var body = Translate("""
            {"model":"m","max_tokens":300,"parallel_tool_calls":false,"tool_choice":"required",
             "tools":[{"type":"function","function":{"name":"weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "messages":[
               {"role":"user","content":"Weather in Oslo and Rome?"},
               {"role":"assistant","content":null,"tool_calls":[
                 {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}},
                 {"id":"call_2","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Rome\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"-3 C"},
               {"role":"tool","tool_call_id":"call_2","content":"14 C"}]}
            """);

        AssertJson("""
            {"model":"claude-sonnet-4-5","max_tokens":300,
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Weather in Oslo and Rome?"}]},
               {"role":"assistant","content":[
                 {"type":"tool_use","id":"call_1","name":"weather","input":{"city":"Oslo"}},
                 {"type":"tool_use","id":"call_2","name":"weather","input":{"city":"Rome"}}]},
               {"role":"user","content":[
                 {"type":"tool_result","tool_use_id":"call_1","content":"-3 C"},
                 {"type":"tool_result","tool_use_id":"call_2","content":"14 C"}]}],
             "tools":[{"name":"weather","description":"Weather now","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true}}
            """, body);
    }

    [Fact]
    public void Should_keep_the_tools_with_tool_choice_none_as_anthropic_requires_them_beside_a_tool_history()
    {
        var body = Translate("""
            {"model":"m","max_tokens":300,"parallel_tool_calls":false,"tool_choice":"none",
             "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}],
             "messages":[
               {"role":"user","content":"Weather in Oslo?"},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"-3 C"}]}
            """);

        AssertJson("""[{"name":"weather","description":null,"input_schema":{"type":"object"}}]""", body["tools"]!);
        AssertJson("""{"type":"none"}""", body["tool_choice"]!);
    }

    [Fact]
    public void Should_send_images_inline_or_by_url()
    {
        var body = Translate("""
            {"model":"m","messages":[{"role":"user","content":[
              {"type":"text","text":"What is this?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
              {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}
            """);

        AssertJson("""
            [{"type":"text","text":"What is this?"},
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
             {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]
            """, body["messages"]![0]!["content"]!);
    }

    [Fact]
    public void Should_turn_reasoning_effort_into_a_thinking_budget_above_which_max_tokens_is_raised()
    {
        var body = Translate("""
            {"model":"m","max_tokens":500,"temperature":0.5,"reasoning_effort":"medium",
             "messages":[{"role":"user","content":"Pick a number"}]}
            """);

        AssertJson("""{"type":"enabled","budget_tokens":4096}""", body["thinking"]!);
        Assert.Equal(5120, (int)body["max_tokens"]!);
        Assert.Null(body["temperature"]);
    }

    [Fact]
    public void Should_name_message_parts_it_cannot_translate()
    {
        var (request, problems) = OpenAIChatRequestReader.Read(JsonNode.Parse("""
            {"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"..."}}]},{"role":"wizard","content":"x"}]}
            """)!.AsObject());

        Assert.Null(request);
        Assert.Equal(2, problems.Count);
        Assert.Contains("'input_audio' are not supported", problems[0], StringComparison.Ordinal);
        Assert.Contains("'wizard'", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Should_map_an_anthropic_answer_with_thinking_text_and_tool_calls_back_to_an_openai_completion_with_reasoning_content()
    {
        var response = AnthropicResponseReader.Read(JsonDocument.Parse("""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","stop_reason":"tool_use",
             "content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Oslo"}}],
             "usage":{"input_tokens":20,"cache_read_input_tokens":100,"cache_creation_input_tokens":0,"output_tokens":15}}
            """).RootElement);

        var openAi = OpenAIChatResponseWriter.Write(response, created: 1_763_800_000);

        AssertJson("""
            {"id":"msg_1","object":"chat.completion","created":1763800000,"model":"claude-sonnet-4-5",
             "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"Checking.","reasoning_content":"hmm",
               "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]}}],
             "usage":{"prompt_tokens":120,"completion_tokens":15,"total_tokens":135,"prompt_tokens_details":{"cached_tokens":100}}}
            """, openAi);
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    public void Should_map_each_stop_reason(string anthropic, string openAi)
    {
        var response = AnthropicResponseReader.Read(JsonDocument.Parse(
            $$$"""{"id":"m","model":"c","stop_reason":"{{{anthropic}}}","content":[{"type":"text","text":"x"}],"usage":{"input_tokens":1,"output_tokens":1}}""").RootElement);

        Assert.Equal(openAi, (string?)OpenAIChatResponseWriter.Write(response, 0)["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public void Should_turn_anthropic_stream_events_into_openai_chunks_event_by_event()
    {
        var reader = new AnthropicEventReader();
        (string Event, string Data)[] events =
        [
            ("message_start", """{"type":"message_start","message":{"id":"msg_9","model":"claude-sonnet-4-5","usage":{"input_tokens":25,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            ("ping", """{"type":"ping"}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me check."}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_7","name":"weather","input":{}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"Oslo\"}"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":1}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":31}}"""),
            ("message_stop", """{"type":"message_stop"}"""),
        ];

        var deltas = events.SelectMany(e => reader.Read(e.Event, JsonDocument.Parse(e.Data).RootElement)).ToList();
        var chunks = deltas.Select(d => OpenAIChunkWriter.Chunk(d, "msg_9", "claude-sonnet-4-5", 0)).OfType<JsonObject>().Select(c => c["choices"]![0]!).ToList();

        Assert.Equal(
            [typeof(StreamStarted), typeof(TextDelta), typeof(ToolCallStarted), typeof(ToolCallArgumentsDelta), typeof(ToolCallArgumentsDelta), typeof(StreamFinished)],
            deltas.Select(d => d.GetType()));
        Assert.Equal(new ChatUsage(25, 1, 0), ((StreamStarted)deltas[0]).Usage);
        Assert.Equal(new ChatUsage(25, 31, 0), ((StreamFinished)deltas[^1]).Usage);
        Assert.Equal("assistant", (string?)chunks[0]["delta"]!["role"]);
        Assert.Equal("Let me check.", (string?)chunks[1]["delta"]!["content"]);
        AssertJson("""[{"index":0,"id":"toolu_7","type":"function","function":{"name":"weather","arguments":""}}]""", chunks[2]["delta"]!["tool_calls"]!);
        Assert.Equal("{\"city\":\"Oslo\"}", string.Concat(chunks.Skip(3).Take(2).Select(c => (string?)c["delta"]!["tool_calls"]![0]!["function"]!["arguments"])));
        Assert.Equal("tool_calls", (string?)chunks[^1]["finish_reason"]);
    }

    [Fact]
    public void Should_surface_an_error_event_of_the_stream()
    {
        var deltas = new AnthropicEventReader().Read("error", JsonDocument.Parse("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""").RootElement);

        Assert.Equal("Overloaded", Assert.IsType<StreamFailed>(Assert.Single(deltas)).Message);
    }
}

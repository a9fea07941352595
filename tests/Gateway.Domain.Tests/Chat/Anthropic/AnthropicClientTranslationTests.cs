using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat.Anthropic;

/// <summary>Golden translations of an Anthropic client's request and answer, through the canonical model, to OpenAI and Gemini.</summary>
public sealed class AnthropicClientTranslationTests
{
    private static ChatRequest Read(string json)
    {
        var (request, problems) = AnthropicRequestReader.Read(JsonNode.Parse(json)!.AsObject());
        Assert.Empty(problems);
        return request!;
    }

    [Fact]
    public void Should_write_an_anthropic_request_with_system_blocks_images_tools_and_tool_results_as_an_openai_chat_request()
    {
        var request = Read("""
            {"model":"m","max_tokens":300,"system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Use metric.","cache_control":{"type":"ephemeral"}}],
             "temperature":0.2,"top_p":0.9,"top_k":40,"stop_sequences":["END"],"metadata":{"user_id":"u-7"},
             "tools":[{"name":"weather","description":"Weather now","input_schema":{"type":"object"}}],"tool_choice":{"type":"any","disable_parallel_tool_use":true},
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Look:"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}},{"type":"image","source":{"type":"url","url":"https://x.test/a.jpg"}}]},
               {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Oslo"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"-3 "},{"type":"text","text":"C"}],"is_error":false}]}]}
            """);

        Assert.Equal(
            """{"model":"gpt","messages":[{"role":"system","content":"Be brief.\n\nUse metric."},{"role":"user","content":[{"type":"text","text":"Look:"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR"}},{"type":"image_url","image_url":{"url":"https://x.test/a.jpg"}}]},{"role":"assistant","content":"Checking.","tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"weather","arguments":"{\u0022city\u0022:\u0022Oslo\u0022}"}}]},{"role":"tool","tool_call_id":"toolu_1","content":"-3 C"}],"max_tokens":300,"temperature":0.2,"top_p":0.9,"stop":["END"],"tools":[{"type":"function","function":{"name":"weather","description":"Weather now","parameters":{"type":"object"}}}],"tool_choice":"required","parallel_tool_calls":false,"user":"u-7"}""",
            OpenAIChatRequestWriter.Write(request, "gpt").ToJsonString());
    }

    [Fact]
    public void Should_send_gemini_the_exact_thinking_budget_keep_the_nearest_effort_and_map_tool_choice_none()
    {
        var request = Read("""
            {"model":"m","max_tokens":20000,"thinking":{"type":"enabled","budget_tokens":16384},"tool_choice":{"type":"none"},
             "tools":[{"name":"weather","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"Hi"}]}
            """);

        var gemini = GeminiRequestWriter.Write(request);

        Assert.Equal(ReasoningEffort.High, request.Reasoning);
        Assert.Equal("""{"maxOutputTokens":20000,"thinkingConfig":{"thinkingBudget":16384,"includeThoughts":true}}""", gemini["generationConfig"]!.ToJsonString());
        Assert.Equal("""{"functionCallingConfig":{"mode":"NONE"}}""", gemini["toolConfig"]!.ToJsonString());
    }

    [Fact]
    public void Should_refuse_what_no_canonical_field_can_carry_naming_each_block()
    {
        var (request, problems) = AnthropicRequestReader.Read(JsonNode.Parse("""
            {"model":"m","max_tokens":5,"tools":[{"type":"web_fetch_20250910","name":"web_fetch"}],"messages":[{"role":"user","content":[
              {"type":"document","source":{"type":"text","media_type":"text/plain","data":"x"}},
              {"type":"tool_result","tool_use_id":"t","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"x"}}]}]}]}
            """)!.AsObject());

        Assert.Null(request);
        Assert.Equal(
            [
                "messages[0].content[0]: blocks of type 'document' cannot be sent to this model (text, image, tool_use and tool_result can)",
                "messages[0].content[1]: only text can be returned in a tool_result to this model",
                "tools[0] is Anthropic's server tool 'web_fetch_20250910', which only Anthropic models can run",
            ],
            problems);
    }

    [Fact]
    public void Should_write_an_openai_answer_as_an_anthropic_message_with_cache_reads_apart()
    {
        var answer = OpenAIChatResponseReader.Read(JsonDocument.Parse("""
            {"id":"chatcmpl-1","model":"gpt","choices":[{"index":0,"finish_reason":"length","message":{"role":"assistant","content":"Partial",
             "tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":"}}]}}],
             "usage":{"prompt_tokens":50,"completion_tokens":10,"prompt_tokens_details":{"cached_tokens":20}}}
            """).RootElement);

        Assert.Equal(
            """{"id":"chatcmpl-1","type":"message","role":"assistant","model":"gpt","content":[{"type":"text","text":"Partial"},{"type":"tool_use","id":"call_1","name":"weather","input":{"arguments":"{\u0022city\u0022:"}}],"stop_reason":"max_tokens","stop_sequence":null,"usage":{"input_tokens":30,"cache_creation_input_tokens":0,"cache_read_input_tokens":20,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":10}}""",
            AnthropicResponseWriter.Write(answer).ToJsonString());
    }

    [Fact]
    public void Should_write_anthropics_event_sequence_closing_each_block_before_the_next_opens()
    {
        var writer = new AnthropicEventWriter(estimatedInputTokens: 7);
        ChatDelta[] deltas =
        [
            new StreamStarted("id-1", "gpt", null), new TextDelta("Let me check."), new ToolCallStarted(0, "call_1", "weather"),
            new ToolCallArgumentsDelta(0, "{\"city\""), new ToolCallArgumentsDelta(0, ":\"Oslo\"}"), new StreamFinished(FinishReason.ToolCalls, new ChatUsage(40, 12, 0)),
        ];

        var events = deltas.SelectMany(writer.Events).Select(e => $"{e.Event} {e.Data.ToJsonString()}").ToList();

        Assert.Equal(
            [
                """message_start {"type":"message_start","message":{"id":"id-1","type":"message","role":"assistant","model":"gpt","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":7,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":0}}}""",
                """content_block_start {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
                """content_block_delta {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me check."}}""",
                """content_block_stop {"type":"content_block_stop","index":0}""",
                """content_block_start {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_1","name":"weather","input":{}}}""",
                """content_block_delta {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\u0022city\u0022"}}""",
                """content_block_delta {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":":\u0022Oslo\u0022}"}}""",
                """content_block_stop {"type":"content_block_stop","index":1}""",
                """message_delta {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":40,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":12}}""",
                """message_stop {"type":"message_stop"}""",
            ],
            events);
        Assert.True(writer.Finished);
    }

    [Fact]
    public void Should_hold_an_openai_finish_until_the_usage_chunk_and_report_both_once()
    {
        var reader = new OpenAIChunkReader();
        string[] chunks =
        [
            """{"id":"c1","model":"gpt","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}""",
            """{"id":"c1","model":"gpt","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
            """{"id":"c1","model":"gpt","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":2}}}""",
        ];

        var deltas = chunks.SelectMany(c => reader.Read("", JsonDocument.Parse(c).RootElement).ToList()).Concat(reader.Complete()).ToList();

        Assert.Equal<ChatDelta>([new StreamStarted("c1", "gpt", null), new TextDelta("Hi"), new StreamFinished(FinishReason.Stop, new ChatUsage(12, 1, 2))], deltas);
    }
}

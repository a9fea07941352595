using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat;

/// <summary>
/// Golden translations of the model's thinking: read from each upstream dialect into the canonical model,
/// and written to each client dialect (to Anthropic and Gemini clients only when they asked for it).
/// </summary>
public sealed class ThinkingTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private static ChatResponse Answer(params ChatPart[] parts) =>
        new("r-1", "up-model", parts, FinishReason.Stop, new ChatUsage(10, 5, 0));

    // Upstream readers

    [Fact]
    public void Should_read_gemini_thought_parts_as_thinking_ahead_of_the_text()
    {
        var response = GeminiResponseReader.Read(Json("""
            {"candidates":[{"content":{"role":"model","parts":[{"text":"Weighing it up.","thought":true},{"text":"Yes."}]},"finishReason":"STOP"}],
             "usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1,"thoughtsTokenCount":6},"modelVersion":"gemini-2.5-flash","responseId":"g-1"}
            """));

        Assert.Equal<ChatPart>([new ThinkingPart("Weighing it up."), new TextPart("Yes.")], response.Parts);
        Assert.Equal(new ChatUsage(4, 7, 0, ReasoningTokens: 6), response.Usage);
    }

    [Fact]
    public void Should_read_gemini_streamed_thought_parts_as_thinking_deltas()
    {
        var reader = new GeminiEventReader();
        string[] chunks =
        [
            """{"candidates":[{"content":{"role":"model","parts":[{"text":"Hmm, ","thought":true}]}}],"modelVersion":"gemini-2.5-flash","responseId":"g-2"}""",
            """{"candidates":[{"content":{"role":"model","parts":[{"text":"two.","thought":true}]}}],"modelVersion":"gemini-2.5-flash","responseId":"g-2"}""",
            """{"candidates":[{"content":{"role":"model","parts":[{"text":"4"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1,"thoughtsTokenCount":5},"modelVersion":"gemini-2.5-flash","responseId":"g-2"}""",
        ];

        var deltas = chunks.SelectMany(c => reader.Read(Json(c))).ToList();

        Assert.Equal<ChatDelta>(
            [new StreamStarted("g-2", "gemini-2.5-flash", null), new ThinkingDelta("Hmm, "), new ThinkingDelta("two."), new TextDelta("4"), new StreamFinished(FinishReason.Stop, new ChatUsage(3, 6, 0, ReasoningTokens: 5))],
            deltas);
    }

    [Theory]
    [InlineData("low", """{"thinkingBudget":1024,"includeThoughts":true}""")]
    [InlineData("high", """{"thinkingBudget":24576,"includeThoughts":true}""")]
    public void Should_ask_gemini_for_thoughts_when_the_request_thinks(string effort, string expected)
    {
        var (request, _) = OpenAIChatRequestReader.Read(JsonNode.Parse($$"""{"model":"m","reasoning_effort":"{{effort}}","messages":[{"role":"user","content":"Hi"}]}""")!.AsObject());

        Assert.Equal(expected, GeminiRequestWriter.Write(request!)["generationConfig"]!["thinkingConfig"]!.ToJsonString());
    }

    [Fact]
    public void Should_not_ask_gemini_for_thoughts_when_thinking_is_off_or_not_asked()
    {
        var off = new ChatRequest("m", null, [new ChatMessage(ChatRole.User, [new TextPart("Hi")])], null, null, null, [], [], null, null, null, null, null, false, ThinkingBudget: 0);

        Assert.Equal("""{"thinkingBudget":0}""", GeminiRequestWriter.Write(off)["generationConfig"]!["thinkingConfig"]!.ToJsonString());
        Assert.Null(GeminiRequestWriter.Write(off with { ThinkingBudget = null })["generationConfig"]);
    }

    [Theory]
    [InlineData("reasoning_content")]
    [InlineData("reasoning")]
    public void Should_read_an_openai_compatible_answers_reasoning_as_thinking(string field)
    {
        var response = OpenAIChatResponseReader.Read(Json($$$"""
            {"id":"c-1","model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant","content":"42","{{{field}}}":"Six times seven."},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":8,"completion_tokens":20}}
            """));

        Assert.Equal<ChatPart>([new ThinkingPart("Six times seven."), new TextPart("42")], response.Parts);
    }

    [Fact]
    public void Should_read_streamed_reasoning_content_as_thinking_deltas_and_skip_empty_and_null_reasoning()
    {
        var reader = new OpenAIChunkReader();
        string[] chunks =
        [
            """{"id":"c-2","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":"Six "},"finish_reason":null}]}""",
            """{"id":"c-2","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"reasoning":"sevens."},"finish_reason":null}]}""",
            """{"id":"c-2","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"42","reasoning_content":null},"finish_reason":null}]}""",
            """{"id":"c-2","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"","reasoning_content":""},"finish_reason":"stop"}]}""",
            """{"id":"c-2","model":"deepseek-reasoner","choices":[],"usage":{"prompt_tokens":8,"completion_tokens":20}}""",
        ];

        var deltas = chunks.SelectMany(c => reader.Read("", Json(c)).ToList()).ToList();

        Assert.Equal<ChatDelta>(
            [new StreamStarted("c-2", "deepseek-reasoner", null), new ThinkingDelta("Six "), new ThinkingDelta("sevens."), new TextDelta("42"), new StreamFinished(FinishReason.Stop, new ChatUsage(8, 20, 0))],
            deltas);
    }

    [Fact]
    public void Should_read_anthropic_thinking_blocks_with_their_signature_and_drop_redacted_ones()
    {
        var response = AnthropicResponseReader.Read(Json("""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","stop_reason":"end_turn",
             "content":[{"type":"thinking","thinking":"Check units.","signature":"EqQBsig"},{"type":"redacted_thinking","data":"xyz"},{"type":"text","text":"3 km."}],
             "usage":{"input_tokens":5,"output_tokens":9}}
            """));

        Assert.Equal<ChatPart>([new ThinkingPart("Check units.", "EqQBsig"), new TextPart("3 km.")], response.Parts);
    }

    [Fact]
    public void Should_read_anthropic_thinking_deltas_and_leave_signature_deltas_out()
    {
        var reader = new AnthropicEventReader();
        (string Event, string Data)[] events =
        [
            ("message_start", """{"type":"message_start","message":{"id":"msg_2","model":"claude-sonnet-4-5","usage":{"input_tokens":5,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Check units."}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBsig"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"3 km."}}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}}"""),
        ];

        var deltas = events.SelectMany(e => reader.Read(e.Event, Json(e.Data)).ToList()).ToList();

        Assert.Equal<ChatDelta>(
            [new StreamStarted("msg_2", "claude-sonnet-4-5", new ChatUsage(5, 1, 0)), new ThinkingDelta("Check units."), new TextDelta("3 km."), new StreamFinished(FinishReason.Stop, new ChatUsage(5, 9, 0))],
            deltas);
    }

    // Client writers

    [Fact]
    public void Should_know_whether_an_anthropic_or_gemini_client_asked_for_thinking()
    {
        static bool Anthropic(string thinking) =>
            AnthropicRequestReader.Read(JsonNode.Parse($$"""{"model":"m","max_tokens":9,{{thinking}}"messages":[{"role":"user","content":"Hi"}]}""")!.AsObject()).Request!.IncludeThinking;
        static bool Gemini(string config) =>
            GeminiRequestReader.Read("m", JsonNode.Parse($$$"""{"contents":[{"parts":[{"text":"Hi"}]}],"generationConfig":{"thinkingConfig":{{{config}}}}}""")!.AsObject()).Request!.IncludeThinking;

        Assert.True(Anthropic("""
            "thinking":{"type":"enabled","budget_tokens":2048},
            """));
        Assert.False(Anthropic("""
            "thinking":{"type":"disabled"},
            """));
        Assert.False(Anthropic(""));
        Assert.True(Gemini("""{"thinkingBudget":1024,"includeThoughts":true}"""));
        Assert.False(Gemini("""{"thinkingBudget":1024}"""));
        Assert.False(Gemini("""{"includeThoughts":false}"""));
    }

    [Fact]
    public void Should_write_thinking_as_an_anthropic_thinking_block_with_an_empty_signature_before_the_text()
    {
        var answer = Answer(new ThinkingPart("Weighing it up.", "gemini-or-openai-has-none"), new TextPart("Yes."));

        Assert.Equal(
            """{"id":"r-1","type":"message","role":"assistant","model":"up-model","content":[{"type":"thinking","thinking":"Weighing it up.","signature":""},{"type":"text","text":"Yes."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":5}}""",
            AnthropicResponseWriter.Write(answer, thinking: true).ToJsonString());
        Assert.Equal(
            """[{"type":"text","text":"Yes."}]""",
            AnthropicResponseWriter.Write(answer).ToJsonString().Split("\"content\":")[1].Split(",\"stop_reason\"")[0]);
    }

    [Fact]
    public void Should_stream_thinking_as_an_anthropic_thinking_block_closed_before_the_text_block()
    {
        ChatDelta[] deltas =
        [
            new StreamStarted("id-1", "up", new ChatUsage(4, 0, 0)), new ThinkingDelta("Hmm, "), new ThinkingDelta("two."), new TextDelta("4"), new StreamFinished(FinishReason.Stop, new ChatUsage(4, 6, 0)),
        ];

        var withThinking = new AnthropicEventWriter(estimatedInputTokens: 1, thinking: true);
        var events = deltas.SelectMany(withThinking.Events).Select(e => $"{e.Event} {e.Data.ToJsonString()}").ToList();

        Assert.Equal(
            [
                """message_start {"type":"message_start","message":{"id":"id-1","type":"message","role":"assistant","model":"up","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":4,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":0}}}""",
                """content_block_start {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}""",
                """content_block_delta {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm, "}}""",
                """content_block_delta {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"two."}}""",
                """content_block_stop {"type":"content_block_stop","index":0}""",
                """content_block_start {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}""",
                """content_block_delta {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"4"}}""",
                """content_block_stop {"type":"content_block_stop","index":1}""",
                """message_delta {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":4,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":6}}""",
                """message_stop {"type":"message_stop"}""",
            ],
            events);

        var without = new AnthropicEventWriter(estimatedInputTokens: 1);
        Assert.Equal(
            ["message_start", "content_block_start text", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            deltas.SelectMany(without.Events).Select(e => e.Event == "content_block_start" ? $"{e.Event} {e.Data["content_block"]!["type"]}" : e.Event));
    }

    [Fact]
    public void Should_write_thinking_as_gemini_thought_parts_only_when_the_client_set_include_thoughts()
    {
        var answer = Answer(new ThinkingPart("Weighing it up.", "sig"), new TextPart("Yes."));

        Assert.Equal(
            """{"candidates":[{"content":{"role":"model","parts":[{"text":"Weighing it up.","thought":true},{"text":"Yes."}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5,"totalTokenCount":15},"modelVersion":"gemini-x","responseId":"r-1"}""",
            GeminiResponseWriter.Write(answer, "gemini-x", thoughts: true).ToJsonString());
        Assert.Equal(
            """[{"text":"Yes."}]""",
            GeminiResponseWriter.Write(answer, "gemini-x")["candidates"]![0]!["content"]!["parts"]!.ToJsonString());
    }

    [Fact]
    public void Should_stream_thinking_as_gemini_thought_chunks_only_when_the_client_set_include_thoughts()
    {
        var writer = new GeminiEventWriter("gemini-x", thoughts: true);
        writer.Chunk(new StreamStarted("r-2", "up", null));

        Assert.Equal(
            """{"candidates":[{"content":{"role":"model","parts":[{"text":"Hmm.","thought":true}]},"index":0}],"modelVersion":"gemini-x","responseId":"r-2"}""",
            writer.Chunk(new ThinkingDelta("Hmm."))!.ToJsonString());
        Assert.Null(new GeminiEventWriter("gemini-x").Chunk(new ThinkingDelta("Hmm.")));
    }

    [Fact]
    public void Should_write_thinking_to_openai_clients_as_reasoning_content()
    {
        Assert.Equal(
            """{"role":"assistant","content":"Yes.","reasoning_content":"Weighing it up."}""",
            OpenAIChatResponseWriter.Write(Answer(new ThinkingPart("Weighing it up."), new TextPart("Yes.")), 0)["choices"]![0]!["message"]!.ToJsonString());
        Assert.Equal(
            """{"id":"c","object":"chat.completion.chunk","created":5,"model":"m","choices":[{"index":0,"delta":{"reasoning_content":"Hmm."},"finish_reason":null}]}""",
            OpenAIChunkWriter.Chunk(new ThinkingDelta("Hmm."), "c", "m", 5)!.ToJsonString());
    }
}

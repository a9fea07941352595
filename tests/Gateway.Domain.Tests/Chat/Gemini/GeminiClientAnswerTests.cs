using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Gemini;

namespace Gateway.Domain.Tests.Chat.Gemini;

/// <summary>Golden canonical answers and stream deltas written as Gemini GenerateContentResponses for Gemini clients.</summary>
public sealed class GeminiClientAnswerTests
{
    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual?.ToJsonString()}");

    [Fact]
    public void Should_write_text_and_function_calls_with_their_ids_finish_reason_and_usage()
    {
        var response = new ChatResponse(
            "chatcmpl-1", "gpt-4.1-mini",
            [new TextPart("Checking."), new TextPart(""), new ToolCallPart("call_abc", "weather", """{"city":"Oslo"}""")],
            FinishReason.ToolCalls, new ChatUsage(30, 12, 10));

        AssertJson("""
            {"candidates":[{"content":{"role":"model","parts":[
                {"text":"Checking."},
                {"functionCall":{"id":"call_abc","name":"weather","args":{"city":"Oslo"}}}]},
              "finishReason":"STOP","index":0}],
             "usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":12,"totalTokenCount":42,"cachedContentTokenCount":10},
             "modelVersion":"gemini-2.5-flash","responseId":"chatcmpl-1"}
            """, GeminiResponseWriter.Write(response, "gemini-2.5-flash"));
    }

    [Fact]
    public void Should_write_an_answer_without_parts_as_empty_content_and_leave_out_zero_cached_tokens_and_an_unknown_finish_reason()
    {
        var response = new ChatResponse("r-2", "upstream-model", [], null, new ChatUsage(5, 0, 0));

        AssertJson("""
            {"candidates":[{"content":{"role":"model","parts":[]},"index":0}],
             "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":0,"totalTokenCount":5},
             "modelVersion":"alias","responseId":"r-2"}
            """, GeminiResponseWriter.Write(response, "alias"));
    }

    [Theory]
    [InlineData(FinishReason.Stop, "STOP")]
    [InlineData(FinishReason.ToolCalls, "STOP")]
    [InlineData(FinishReason.Length, "MAX_TOKENS")]
    [InlineData(FinishReason.ContentFilter, "SAFETY")]
    public void Should_map_each_finish_reason(FinishReason reason, string gemini)
    {
        var response = new ChatResponse("r", "m", [new TextPart("x")], reason, ChatUsage.None);

        Assert.Equal(gemini, (string?)GeminiResponseWriter.Write(response, "m")["candidates"]![0]!["finishReason"]);
    }

    [Fact]
    public void Should_stream_text_as_it_comes_and_function_calls_whole_in_the_last_chunk_with_finish_reason_and_usage()
    {
        var writer = new GeminiEventWriter("gemini-2.5-flash");
        ChatDelta[] deltas =
        [
            new StreamStarted("chatcmpl-7", "gpt-4.1-mini", new ChatUsage(9, 0, 0)),
            new TextDelta("Let me "),
            new TextDelta(""),
            new TextDelta("check."),
            new ToolCallStarted(0, "call_a", "weather"),
            new ToolCallArgumentsDelta(0, """{"ci"""),
            new ToolCallStarted(1, "call_b", "clock"),
            new ToolCallArgumentsDelta(0, """ty":"Oslo"}"""),
            new ToolCallArgumentsDelta(1, ""),
            new StreamFinished(FinishReason.ToolCalls, new ChatUsage(9, 14, 4)),
        ];

        var chunks = deltas.Select(writer.Chunk).OfType<JsonObject>().ToList();
        chunks.Add(writer.LastChunk(new ChatUsage(9, 14, 4)));

        Assert.Equal(3, chunks.Count);
        AssertJson("""
            {"candidates":[{"content":{"role":"model","parts":[{"text":"Let me "}]},"index":0}],"modelVersion":"gemini-2.5-flash","responseId":"chatcmpl-7"}
            """, chunks[0]);
        AssertJson("""
            {"candidates":[{"content":{"role":"model","parts":[{"text":"check."}]},"index":0}],"modelVersion":"gemini-2.5-flash","responseId":"chatcmpl-7"}
            """, chunks[1]);
        AssertJson("""
            {"candidates":[{"content":{"role":"model","parts":[
                {"functionCall":{"id":"call_a","name":"weather","args":{"city":"Oslo"}}},
                {"functionCall":{"id":"call_b","name":"clock","args":{}}}]},
              "finishReason":"STOP","index":0}],
             "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":14,"totalTokenCount":23,"cachedContentTokenCount":4},
             "modelVersion":"gemini-2.5-flash","responseId":"chatcmpl-7"}
            """, chunks[2]);
    }

    [Fact]
    public void Should_end_a_text_stream_with_a_chunk_of_finish_reason_and_usage_only()
    {
        var writer = new GeminiEventWriter("m");
        Assert.Null(writer.Chunk(new StreamStarted("r", "u", null)));
        Assert.Null(writer.Chunk(new StreamFinished(FinishReason.Length, null)));

        AssertJson("""
            {"candidates":[{"finishReason":"MAX_TOKENS","index":0}],
             "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":100,"totalTokenCount":103},"modelVersion":"m","responseId":"r"}
            """, writer.LastChunk(new ChatUsage(3, 100, 0)));
    }

    [Fact]
    public void Should_give_a_call_cut_off_mid_arguments_empty_args()
    {
        var writer = new GeminiEventWriter("m");
        writer.Chunk(new StreamStarted("r", "u", null));
        writer.Chunk(new ToolCallStarted(0, "call_0", "weather"));
        writer.Chunk(new ToolCallArgumentsDelta(0, """{"city":"Os"""));
        writer.Chunk(new StreamFinished(FinishReason.Length, null));

        AssertJson("""
            {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"id":"call_0","name":"weather","args":{}}}]},"finishReason":"MAX_TOKENS","index":0}],
             "usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":2,"totalTokenCount":3},"modelVersion":"m","responseId":"r"}
            """, writer.LastChunk(new ChatUsage(1, 2, 0)));
    }

    [Fact]
    public void Should_turn_an_upstream_failure_into_googles_error_object()
    {
        var writer = new GeminiEventWriter("m");

        AssertJson("""{"error":{"code":500,"message":"overloaded","status":"INTERNAL"}}""", writer.Chunk(new StreamFailed("overloaded")));
    }

    [Fact]
    public void Should_frame_chunks_as_server_sent_events_or_as_one_json_array()
    {
        var first = JsonNode.Parse("""{"responseId":"a"}""")!.AsObject();
        var second = JsonNode.Parse("""{"responseId":"b"}""")!.AsObject();

        Assert.Equal("data: {\"responseId\":\"a\"}\r\n\r\n", GeminiEventWriter.SseFrame(first));
        Assert.Equal("""[{"responseId":"a"},""" + "\r\n" + """{"responseId":"b"}]""",
            GeminiEventWriter.ArrayFrame(first, first: true) + GeminiEventWriter.ArrayFrame(second, first: false) + GeminiEventWriter.ArrayEnd);
    }

    [Fact]
    public void Should_answer_a_call_the_client_echoes_back_by_its_id()
    {
        var answer = GeminiResponseWriter.Write(
            new ChatResponse("r", "u", [new ToolCallPart("toolu_01", "weather", """{"city":"Oslo"}""")], FinishReason.ToolCalls, ChatUsage.None), "m");
        var call = answer["candidates"]![0]!["content"]!.DeepClone();
        var body = new JsonObject
        {
            ["contents"] = new JsonArray(
                JsonNode.Parse("""{"role":"user","parts":[{"text":"Oslo?"}]}"""),
                call,
                JsonNode.Parse("""{"role":"user","parts":[{"functionResponse":{"id":"toolu_01","name":"weather","response":{"celsius":-3}}}]}""")),
        };

        var (request, problems) = GeminiRequestReader.Read("m", body);

        Assert.Empty(problems);
        Assert.Equivalent(
            new ChatMessage[]
            {
                new(ChatRole.User, [new TextPart("Oslo?")]),
                new(ChatRole.Assistant, [new ToolCallPart("toolu_01", "weather", """{"city":"Oslo"}""")]),
                new(ChatRole.Tool, [new ToolResultPart("toolu_01", """{"celsius":-3}""")]),
            }, request!.Messages, strict: true);
    }
}

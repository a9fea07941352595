using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat;

/// <summary>
/// Prompt-cache reads and writes read from every upstream dialect, answered or streamed, and written to every
/// client dialect: the canonical prompt count holds them all once, never a cache read twice.
/// </summary>
public sealed class CacheUsageTests
{
    /// <summary>1,000 uncached prompt tokens, 20,000 read from the cache, 2,000 written for 5 minutes and 1,000 for an hour; 500 out.</summary>
    private static readonly ChatUsage Cached = new(24_000, 500, 20_000, 2_000, 1_000);

    private const string AnthropicUsageJson =
        """{"input_tokens":1000,"cache_creation_input_tokens":3000,"cache_read_input_tokens":20000,"cache_creation":{"ephemeral_5m_input_tokens":2000,"ephemeral_1h_input_tokens":1000},"output_tokens":500}""";

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private static List<ChatDelta> Read(IChatEventReader reader, params (string Event, string Data)[] events) =>
        [.. events.SelectMany(e => reader.Read(e.Event, Json(e.Data)).ToList()), .. reader.Complete()];

    [Fact]
    public void Should_read_an_anthropic_answers_cache_reads_and_both_kinds_of_cache_write_inside_the_prompt()
    {
        var response = AnthropicResponseReader.Read(Json($$"""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","usage":{{AnthropicUsageJson}}}
            """));

        Assert.Equal(Cached, response.Usage);
        Assert.Equal(1_000, response.Usage.UncachedPromptTokens);
    }

    [Theory]
    [InlineData("""{"input_tokens":10,"cache_creation_input_tokens":300,"cache_read_input_tokens":0,"output_tokens":5}""")]
    [InlineData("""{"input_tokens":10,"cache_creation_input_tokens":300,"cache_read_input_tokens":null,"cache_creation":null,"output_tokens":5}""")]
    public void Should_take_cache_writes_without_a_lifetime_split_as_five_minute_writes(string usage) =>
        Assert.Equal(new ChatUsage(310, 5, 0, 300, 0), AnthropicUsage.Read(Json(usage)));

    [Fact]
    public void Should_read_an_anthropic_streams_cache_counts_from_message_start_and_the_latest_of_each_from_message_delta()
    {
        var deltas = Read(new AnthropicEventReader(),
            ("message_start", $$$"""{"type":"message_start","message":{"id":"msg_2","model":"claude-sonnet-4-5","usage":{{{AnthropicUsageJson.Replace("\"output_tokens\":500", "\"output_tokens\":1", StringComparison.Ordinal)}}}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            // Newer API versions repeat the input and cache counts here, cumulative, without the lifetime split.
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":1000,"cache_creation_input_tokens":3000,"cache_read_input_tokens":20000,"output_tokens":500}}"""),
            ("message_stop", """{"type":"message_stop"}"""));

        Assert.Equal(new StreamStarted("msg_2", "claude-sonnet-4-5", Cached with { CompletionTokens = 1 }), deltas[0]);
        Assert.Equal(new StreamFinished(FinishReason.Stop, Cached), deltas[^1]);
    }

    [Fact]
    public void Should_keep_message_starts_cache_counts_when_message_delta_reports_only_the_output()
    {
        var deltas = Read(new AnthropicEventReader(),
            ("message_start", $$$"""{"type":"message_start","message":{"id":"msg_3","model":"claude-sonnet-4-5","usage":{{{AnthropicUsageJson}}}}}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":42}}"""));

        Assert.Equal(new StreamFinished(FinishReason.Stop, Cached with { CompletionTokens = 42 }), deltas[^1]);
    }

    [Fact]
    public void Should_read_openai_cached_tokens_as_cache_reads_inside_prompt_tokens_answered_or_streamed()
    {
        const string Usage = """{"prompt_tokens":2000,"completion_tokens":40,"total_tokens":2040,"prompt_tokens_details":{"cached_tokens":1536}}""";
        var expected = new ChatUsage(2000, 40, 1536);

        var answer = OpenAIChatResponseReader.Read(Json($$"""{"id":"c","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{{Usage}}}"""));
        var deltas = Read(new OpenAIChunkReader(),
            ("", """{"id":"c","model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}"""),
            ("", $$"""{"id":"c","model":"gpt-4o","choices":[],"usage":{{Usage}}}"""));

        Assert.Equal(expected, answer.Usage);
        Assert.Equal(new StreamFinished(FinishReason.Stop, expected), deltas[^1]);
    }

    [Fact]
    public void Should_read_gemini_cached_content_tokens_as_cache_reads_inside_the_prompt_answered_or_streamed()
    {
        const string Usage = """{"promptTokenCount":5000,"candidatesTokenCount":30,"cachedContentTokenCount":4096,"totalTokenCount":5030}""";
        var expected = new ChatUsage(5000, 30, 4096);

        var answer = GeminiResponseReader.Read(Json($$"""{"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"finishReason":"STOP"}],"usageMetadata":{{Usage}},"modelVersion":"gemini-2.5-flash","responseId":"r"}"""));
        var deltas = Read(new GeminiEventReader(),
            ("", """{"candidates":[{"content":{"role":"model","parts":[{"text":"H"}]}}],"usageMetadata":{"promptTokenCount":5000,"cachedContentTokenCount":4096},"modelVersion":"gemini-2.5-flash","responseId":"r"}"""),
            ("", $$"""{"candidates":[{"content":{"role":"model","parts":[{"text":"i"}]},"finishReason":"STOP"}],"usageMetadata":{{Usage}},"modelVersion":"gemini-2.5-flash","responseId":"r"}"""));

        Assert.Equal(expected, answer.Usage);
        Assert.Equal(new StreamStarted("r", "gemini-2.5-flash", new ChatUsage(5000, 0, 4096)), deltas[0]);
        Assert.Equal(new StreamFinished(FinishReason.Stop, expected), deltas[^1]);
    }

    [Fact]
    public void Should_keep_the_last_gemini_usage_when_the_finishing_chunk_carries_none()
    {
        var deltas = Read(new GeminiEventReader(),
            ("", """{"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]}}],"usageMetadata":{"promptTokenCount":50,"candidatesTokenCount":2,"cachedContentTokenCount":32},"responseId":"r"}"""),
            ("", """{"candidates":[{"finishReason":"STOP"}],"responseId":"r"}"""));

        Assert.Equal(new StreamFinished(FinishReason.Stop, new ChatUsage(50, 2, 32)), deltas[^1]);
    }

    [Fact]
    public void Should_write_an_anthropic_clients_usage_with_input_apart_from_cache_reads_and_writes_split_by_lifetime()
    {
        var answer = new ChatResponse("msg_1", "claude-sonnet-4-5", [new TextPart("Hi")], FinishReason.Stop, Cached);

        Assert.Equal(
            $$"""{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{{AnthropicUsageJson}}}""",
            AnthropicResponseWriter.Write(answer).ToJsonString());
        Assert.Equal(Cached, AnthropicUsage.Read(Json(AnthropicUsage.Write(Cached).ToJsonString())));
    }

    [Fact]
    public void Should_stream_an_anthropic_clients_cache_counts_in_message_start_and_message_delta()
    {
        var writer = new AnthropicEventWriter(estimatedInputTokens: 9);
        ChatDelta[] deltas = [new StreamStarted("msg_4", "claude-sonnet-4-5", Cached with { CompletionTokens = 1 }), new TextDelta("Hi"), new StreamFinished(FinishReason.Stop, Cached)];

        var events = deltas.SelectMany(writer.Events).Where(e => e.Event is "message_start" or "message_delta").Select(e => e.Data.ToJsonString()).ToList();

        Assert.Equal(
            [
                """{"type":"message_start","message":{"id":"msg_4","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1000,"cache_creation_input_tokens":3000,"cache_read_input_tokens":20000,"cache_creation":{"ephemeral_5m_input_tokens":2000,"ephemeral_1h_input_tokens":1000},"output_tokens":0}}}""",
                """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":1000,"cache_creation_input_tokens":3000,"cache_read_input_tokens":20000,"output_tokens":500}}""",
            ],
            events);
    }

    [Fact]
    public void Should_write_an_openai_clients_prompt_tokens_as_every_prompt_token_and_cached_tokens_as_the_reads()
    {
        var answer = new ChatResponse("msg_1", "claude-sonnet-4-5", [new TextPart("Hi")], FinishReason.Stop, Cached);
        const string Usage = """{"prompt_tokens":24000,"completion_tokens":500,"total_tokens":24500,"prompt_tokens_details":{"cached_tokens":20000}}""";

        Assert.Equal(Usage, OpenAIChatResponseWriter.Write(answer, 0)["usage"]!.ToJsonString());
        Assert.Equal(Usage, OpenAIChunkWriter.UsageChunk("msg_1", "claude-sonnet-4-5", 0, Cached)["usage"]!.ToJsonString());
    }

    [Fact]
    public void Should_write_a_gemini_clients_prompt_token_count_as_every_prompt_token_and_cached_content_as_the_reads()
    {
        var answer = new ChatResponse("msg_1", "claude-sonnet-4-5", [new TextPart("Hi")], FinishReason.Stop, Cached);
        const string Usage = """{"promptTokenCount":24000,"candidatesTokenCount":500,"totalTokenCount":24500,"cachedContentTokenCount":20000}""";
        var writer = new GeminiEventWriter("claude-sonnet-4-5");
        writer.Chunk(new StreamStarted("msg_1", "claude-sonnet-4-5", null));

        Assert.Equal(Usage, GeminiResponseWriter.Write(answer, "claude-sonnet-4-5")["usageMetadata"]!.ToJsonString());
        Assert.Equal(Usage, writer.LastChunk(Cached)["usageMetadata"]!.ToJsonString());
    }
}

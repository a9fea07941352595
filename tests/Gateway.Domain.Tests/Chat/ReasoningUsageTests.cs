using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat;

/// <summary>
/// The completion tokens a model spent thinking, read apart from every upstream that reports them and written back
/// to every client dialect that shows them, always inside the completion count (they are billed as output).
/// </summary>
public sealed class ReasoningUsageTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private static ChatResponse Answer(ChatUsage usage) => new("r-1", "m", [new TextPart("4")], FinishReason.Stop, usage);

    [Fact]
    public void Should_read_openais_reasoning_tokens_inside_the_completion_count()
    {
        var usage = OpenAIChatResponseReader.ReadUsage(Json("""
            {"usage":{"prompt_tokens":20,"completion_tokens":300,"total_tokens":320,
             "prompt_tokens_details":{"cached_tokens":8},"completion_tokens_details":{"reasoning_tokens":256}}}
            """));

        Assert.Equal(new ChatUsage(20, 300, 8, ReasoningTokens: 256), usage);
    }

    [Fact]
    public void Should_read_no_reasoning_tokens_when_an_openai_compatible_upstream_gives_no_details()
    {
        var usage = OpenAIChatResponseReader.ReadUsage(Json("""{"usage":{"prompt_tokens":5,"completion_tokens":2,"completion_tokens_details":null}}"""));

        Assert.Equal(new ChatUsage(5, 2, 0), usage);
    }

    [Fact]
    public void Should_read_geminis_thoughts_as_reasoning_tokens_and_count_them_as_completion()
    {
        var usage = GeminiResponseReader.ReadUsage(Json("""{"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1,"thoughtsTokenCount":6,"totalTokenCount":11}}"""));

        Assert.Equal(new ChatUsage(4, 7, 0, ReasoningTokens: 6), usage);
    }

    [Fact]
    public void Should_write_reasoning_tokens_to_an_openai_client_inside_completion_tokens()
    {
        var usage = OpenAIChatResponseWriter.Write(Answer(new ChatUsage(20, 300, 8, ReasoningTokens: 256)), 1_700_000_000)["usage"]!;

        Assert.Equal(300, (int)usage["completion_tokens"]!);
        Assert.Equal(256, (int)usage["completion_tokens_details"]!["reasoning_tokens"]!);
    }

    [Fact]
    public void Should_write_reasoning_tokens_to_a_gemini_client_as_thoughts_apart_from_the_candidates()
    {
        var metadata = GeminiResponseWriter.Write(Answer(new ChatUsage(4, 7, 0, ReasoningTokens: 6)), "gemini-2.5-flash")["usageMetadata"]!;

        Assert.Equal(1, (int)metadata["candidatesTokenCount"]!);
        Assert.Equal(6, (int)metadata["thoughtsTokenCount"]!);
        Assert.Equal(11, (int)metadata["totalTokenCount"]!);
    }

    [Fact]
    public void Should_round_trip_geminis_usage_through_the_canonical_form_unchanged()
    {
        var upstream = Json("""{"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1,"thoughtsTokenCount":6,"totalTokenCount":11}}""");

        var written = GeminiResponseWriter.Write(Answer(GeminiResponseReader.ReadUsage(upstream)!), "gemini-2.5-flash");

        Assert.Equal(GeminiResponseReader.ReadUsage(upstream), GeminiResponseReader.ReadUsage(Json(written.ToJsonString())));
    }
}

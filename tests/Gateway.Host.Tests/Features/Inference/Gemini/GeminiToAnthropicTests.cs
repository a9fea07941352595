using System.Net;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Inference.Gemini.GeminiWire;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Inference.Gemini;

/// <summary>Gemini clients reaching an Anthropic upstream through the canonical model.</summary>
public sealed class GeminiToAnthropicTests(PostgresFixture postgres) : ClaudeProviderTestBase(postgres)
{
    private const string Hello = """{"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Say hello"}]}],"generationConfig":{"maxOutputTokens":100,"thinkingConfig":{"thinkingBudget":2048}}}""";

    [Fact]
    public async Task Should_answer_from_claude_with_the_exact_thinking_budget_sent_on()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var answer = await JsonAsync(await PostAsync(http, "/v1beta/models/claude:claude-sonnet-4-5:generateContent", Hello));

        Assert.Equal("Hello from Claude", (string?)answer["candidates"]![0]!["content"]!["parts"]![0]!["text"]);
        Assert.Equal("STOP", (string?)answer["candidates"]![0]!["finishReason"]);
        var sent = Assert.Single(ClaudeUpstream.Requests).Body;
        Assert.Equal(("claude-sonnet-4-5", "Be brief.", 2048), ((string?)sent["model"], (string?)sent["system"], (int)sent["thinking"]!["budget_tokens"]!));
        Assert.True((int)sent["max_tokens"]! > 2048);
    }

    [Fact]
    public async Task Should_stream_claudes_events_as_gemini_chunks()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var chunks = await ChunksAsync(await PostAsync(http, "/v1beta/models/claude:claude-sonnet-4-5:streamGenerateContent?alt=sse", Hello));

        Assert.False(string.IsNullOrEmpty(Text(chunks)));
        Assert.Equal("STOP", (string?)chunks[^1]["candidates"]![0]!["finishReason"]);
        Assert.Equal(21, (int)chunks[^1]["usageMetadata"]!["promptTokenCount"]!);
    }

    [Fact]
    public async Task Should_count_exactly_with_anthropics_count_tokens_and_refuse_embeddings_it_cannot_make()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var counted = await PostAsync(http, "/v1beta/models/claude:claude-sonnet-4-5:countTokens", """{"contents":[{"parts":[{"text":"count me"}]}]}""");
        var embedded = await PostAsync(http, "/v1beta/models/claude:claude-sonnet-4-5:embedContent", """{"content":{"parts":[{"text":"x"}]}}""");

        Assert.Equal(("exact", """{"totalTokens":42}"""), (counted.Headers.GetValues("x-gateway-token-count").Single(), (await JsonAsync(counted)).ToJsonString()));
        var sent = Assert.Single(ClaudeUpstream.Requests);
        Assert.Equal("/v1/messages/count_tokens", sent.Path);
        Assert.Equal("""{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[{"type":"text","text":"count me"}]}]}""", sent.Body.ToJsonString());
        Assert.Equal(HttpStatusCode.NotImplemented, embedded.StatusCode);
        Assert.Equal("UNIMPLEMENTED", (string?)(await JsonAsync(embedded))["error"]!["status"]);
    }
}

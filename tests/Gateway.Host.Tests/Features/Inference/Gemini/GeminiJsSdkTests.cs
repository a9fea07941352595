using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference.Gemini;

/// <summary>
/// The official JavaScript client, @google/genai (tests/js, installed by test.sh), pointed at the
/// gateway with <c>httpOptions.baseUrl</c>, with an OpenAI-compatible upstream behind it.
/// </summary>
public sealed class GeminiJsSdkTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    [Fact]
    public async Task Should_serve_the_official_genai_client_unchanged_from_an_openai_compatible_upstream()
    {
        // Round robin over up-1..up-3: the tool request is the script's third upstream call, after generateContent
        // (up-1) and the stream (up-2); countTokens is estimated and never goes upstream, the unknown model neither.
        Upstream.Script("up-3", FakeOpenAIUpstream.Reply.ToolCall("weather", """{"city":"Oslo"}"""));

        var seen = await JsClients.SeenAsync("genai-client.mjs", new Dictionary<string, string>
        {
            ["GATEWAY_URL"] = Server.Client.BaseAddress!.ToString().TrimEnd('/'),
            ["GATEWAY_KEY"] = Secret,
            ["MODEL"] = "fake:gpt-4o-mini",
        });

        Assert.Equal("Hello from the fake upstream", (string?)seen["text"]);
        Assert.Equal("STOP", (string?)seen["finishReason"]);
        Assert.Equal((12, 7, 19), ((int)seen["usage"]!["promptTokenCount"]!, (int)seen["usage"]!["candidatesTokenCount"]!, (int)seen["usage"]!["totalTokenCount"]!));
        Assert.Equal("Hello from the fake upstream", (string?)seen["streamText"]);
        Assert.True((int)seen["streamChunks"]! > 1);
        Assert.Equal("STOP", (string?)seen["streamFinish"]);
        Assert.InRange((int)seen["totalTokens"]!, 5, 20);
        var call = Assert.Single(seen["functionCalls"]!.AsArray())!;
        Assert.Equal(("weather", """{"city":"Oslo"}"""), ((string?)call["name"], call["args"]!.ToJsonString()));
        Assert.Equal(404, (int)seen["refusal"]!["status"]!);
        Assert.Equal(
            ["Be brief.", "Say hello"],
            Upstream.Requests.First().Body["messages"]!.AsArray().Select(m => (string?)m!["content"]));
        Assert.Equal(3, Upstream.Requests.Count);
        await Server.FlushUsageAsync();
        Assert.Equal(3L, await Db.ScalarAsync<long>("select count(*) from usage_records where dialect = 'gemini' and status = 200"));
    }
}

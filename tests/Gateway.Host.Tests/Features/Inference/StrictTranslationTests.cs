using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary><c>strict_translation: true</c>: a request that would lose fields on its way to another dialect's upstream is refused, naming them.</summary>
public sealed class StrictTranslationTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    private const string GeminiWithSafety = """{"contents":[{"parts":[{"text":"hi"}]}],"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}],"generationConfig":{"topK":3}}""";

    private static async Task<HttpResponseMessage> SendAsync(GatewayServer server, string path, string json, string header, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(header, value);
        return await server.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Should_refuse_what_translation_would_drop_and_pass_what_it_carries_or_what_goes_native()
    {
        await using var strict = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, new Dictionary<string, string?>(Config) { ["strict_translation"] = "true" });

        var gemini = await SendAsync(strict, "/v1beta/models/fake:gpt-4o-mini:generateContent", GeminiWithSafety, "x-goog-api-key", Secret);
        var anthropic = await SendAsync(strict, "/v1/messages",
            """{"model":"fake:gpt-4o-mini","max_tokens":10,"top_k":3,"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]}""", "x-api-key", Secret);
        var carried = await SendAsync(strict, "/v1beta/models/fake:gpt-4o-mini:generateContent", """{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"temperature":0.1}}""", "x-goog-api-key", Secret);
        var native = await SendAsync(strict, "/v1/chat/completions", """{"model":"fake:gpt-4o-mini","seed":7,"logprobs":true,"messages":[{"role":"user","content":"hi"}]}""", "Authorization", $"Bearer {Secret}");
        var lenient = await SendAsync(Server, "/v1beta/models/fake:gpt-4o-mini:generateContent", GeminiWithSafety, "x-goog-api-key", Secret);

        Assert.Equal(HttpStatusCode.BadRequest, gemini.StatusCode);
        Assert.Equal(
            "strict translation is on, and safetySettings, generationConfig.topK cannot be carried to fake:gpt-4o-mini (openai), which speaks another dialect; remove them, or ask for a model of a gemini provider",
            (string?)JsonNode.Parse(await gemini.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!["message"]);
        Assert.Equal(HttpStatusCode.BadRequest, anthropic.StatusCode);
        Assert.Contains("top_k, cache_control cannot be carried", await anthropic.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (carried.StatusCode, native.StatusCode, lenient.StatusCode));
        Assert.Equal(7, (int)Upstream.Requests.Single(r => r.Body["seed"] is not null).Body["seed"]!);
        Assert.Equal(3, Upstream.Requests.Count);
    }
}

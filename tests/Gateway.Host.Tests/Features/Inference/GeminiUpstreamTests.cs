using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;
using OpenAI.Chat;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>OpenAI clients reaching Gemini through the canonical model, and Gemini's quotas handled as Google means them.</summary>
public sealed class GeminiUpstreamTests(PostgresFixture postgres) : GeminiProviderTestBase(postgres)
{
    private ChatClient Flash() => Sdk("gemini:gemini-2.5-flash");

    [Fact]
    public async Task Should_answer_an_openai_sdk_chat_from_gemini_with_the_key_in_googles_header()
    {
        ChatCompletion completion = await Flash().CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hello from Gemini", completion.Content[0].Text);
        Assert.Equal(11, completion.Usage.InputTokenCount);
        Assert.Equal(4, completion.Usage.OutputTokenCount);
        var received = Assert.Single(GeminiUpstream.Requests);
        Assert.Equal("AIza-first-project-key-000000001", received.Key);
        Assert.Equal("gemini-2.5-flash", received.Model);
        Assert.Equal("Be brief.", (string?)received.Body["systemInstruction"]!["parts"]![0]!["text"]);
    }

    [Fact]
    public async Task Should_return_gemini_thoughts_as_reasoning_content_to_an_openai_client_that_asked_for_reasoning()
    {
        using var http = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Secret);
        const string Ask = """{"model":"gemini:gemini-2.5-flash","reasoning_effort":"low","messages":[{"role":"user","content":"Hi"}]""";
        var ct = TestContext.Current.CancellationToken;

        var answer = JsonNode.Parse(await (await http.PostAsync("/v1/chat/completions", new StringContent(Ask + "}", System.Text.Encoding.UTF8, "application/json"), ct)).Content.ReadAsStringAsync(ct))!;
        var stream = await (await http.PostAsync("/v1/chat/completions", new StringContent(Ask + ""","stream":true}""", System.Text.Encoding.UTF8, "application/json"), ct)).Content.ReadAsStringAsync(ct);
        var deltas = stream.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!["choices"]![0]!["delta"]!.ToJsonString()).ToList();

        Assert.Equal("""{"role":"assistant","content":"Hello from Gemini","reasoning_content":"Thinking it over."}""", answer["choices"]![0]!["message"]!.ToJsonString());
        Assert.Equal(
            ["""{"role":"assistant","content":""}""", """{"reasoning_content":"Thinking it over."}""", """{"content":"Hello"}""", """{"content":" from"}""", """{"content":" Gemini"}""", "{}"],
            deltas);
        Assert.All(GeminiUpstream.Requests, r => Assert.Equal("""{"thinkingBudget":1024,"includeThoughts":true}""", r.Body["generationConfig"]!["thinkingConfig"]!.ToJsonString()));
    }

    [Fact]
    public async Task Should_answer_the_openai_sdks_embedding_client_from_gemini_batch_embeddings()
    {
        var client = new OpenAI.Embeddings.EmbeddingClient("gemini:gemini-embedding-001", new System.ClientModel.ApiKeyCredential(Secret),
            new OpenAI.OpenAIClientOptions { Endpoint = new Uri(Server.Client.BaseAddress!, "/v1") });

        var embeddings = await client.GenerateEmbeddingsAsync(["first", "second"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([0.5f, -0.5f], embeddings.Value[1].ToFloats().ToArray());
        var received = Assert.Single(GeminiUpstream.Requests);
        Assert.Equal("gemini-embedding-001", received.Model);
        Assert.Equal("models/gemini-embedding-001", (string?)received.Body["requests"]![0]!["model"]);
    }

    [Fact]
    public async Task Should_streamGeminis_chunks_to_the_openai_sdk()
    {
        var text = await SdkStreams.TextAsync(Flash(), "Hi");

        Assert.Equal("Hello from Gemini", text);
        Assert.True(Assert.Single(GeminiUpstream.Requests).Stream);
    }

    [Fact]
    public async Task Should_bench_a_project_whose_daily_quota_is_spent_until_midnight_pacific_and_serve_from_another()
    {
        GeminiUpstream.Refuse("AIza-first-project-key-000000001", 429, FakeGeminiUpstream.QuotaExhausted("GenerateRequestsPerDayPerProjectPerModel-FreeTier"));

        ChatCompletion completion = await Flash().CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken);
        var keys = (await Admin.OkAsync(HttpMethod.Get, "/v1/providers/gemini"))["keys"]!.AsArray().ToDictionary(k => (string)k!["label"]!, k => k!);
        var until = DateTimeOffset.Parse((string)keys["first"]["quotas"]!["gemini-2.5-flash"]!["cooldown_until"]!, System.Globalization.CultureInfo.InvariantCulture);
        var pacific = TimeZoneInfo.ConvertTime(until, TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles"));

        Assert.Equal("Hello from Gemini", completion.Content[0].Text);
        Assert.Equal(["AIza-first-project-key-000000001", "AIza-second-project-key-00000002"], GeminiUpstream.Requests.Select(r => r.Key));
        Assert.Equal("cooling_down", (string?)keys["first"]["state"]);
        Assert.Equal(TimeSpan.Zero, pacific.TimeOfDay);
        Assert.True(until - DateTimeOffset.UtcNow > TimeSpan.FromMinutes(1), "a daily quota must not be retried after the 21 s RetryInfo suggests");
        Assert.Contains("PerDay", (string?)keys["first"]["quotas"]!["gemini-2.5-flash"]!["cooldown_reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_cool_a_per_minute_quota_for_the_retry_delay_and_return_a_request_error_in_the_openai_shape()
    {
        GeminiUpstream.Refuse("AIza-first-project-key-000000001", 429, FakeGeminiUpstream.QuotaExhausted("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"));
        await Flash().CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken);
        var first = (await Admin.OkAsync(HttpMethod.Get, "/v1/providers/gemini"))["keys"]![0]!;
        var until = DateTimeOffset.Parse((string)first["quotas"]!["gemini-2.5-flash"]!["cooldown_until"]!, System.Globalization.CultureInfo.InvariantCulture);

        GeminiUpstream.Refuse("AIza-second-project-key-00000002", 400, """{"error":{"code":400,"message":"Invalid JSON payload received.","status":"INVALID_ARGUMENT"}}""");
        using var http = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Secret);
        var refused = await http.PostAsJsonAsync("/v1/chat/completions", new { model = "gemini:gemini-2.5-flash", messages = new[] { new { role = "user", content = "Hi" } } }, TestContext.Current.CancellationToken);
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;

        Assert.InRange(until - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(22));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("INVALID_ARGUMENT", (string?)error["code"]);
        Assert.Equal("Invalid JSON payload received.", (string?)error["message"]);
    }
}

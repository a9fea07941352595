using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Inference.Gemini.GeminiWire;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Inference.Gemini;

/// <summary>Gemini clients in front of a Gemini upstream: the body goes as the client wrote it, the answers come back as they came.</summary>
public sealed class GeminiPassthroughTests(PostgresFixture postgres) : GeminiProviderTestBase(postgres)
{
    // Fields the canonical model has no place for (safetySettings, topK, a field from the future) must reach Gemini unchanged.
    private const string Body = """{"contents":[{"role":"user","parts":[{"text":"Say hello"}]}],"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}],"generationConfig":{"topK":3,"maxOutputTokens":64},"futureField":{"x":1}}""";

    [Fact]
    public async Task Should_pass_the_clients_body_untouched_and_its_answer_back_as_it_came()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var response = await PostAsync(http, "/v1beta/models/gemini:gemini-2.5-flash:generateContent", Body);
        var answer = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(GeminiUpstream.Requests);
        Assert.Equal(("gemini-2.5-flash", false), (received.Model, received.Stream));
        Assert.Equal(JsonNode.Parse(Body)!.ToJsonString(), received.Body.ToJsonString());
        Assert.Equal("resp-fake", (string?)answer["responseId"]);
        Assert.Equal("gemini-2.5-flash", (string?)answer["modelVersion"]);
        var record = (await LastUsageRecordAsync())!;
        Assert.Equal(("gemini", "gemini", 11, 4), ((string?)record["dialect"], (string?)record["provider"], (int)record["prompt_tokens"]!, (int)record["completion_tokens"]!));
    }

    [Fact]
    public async Task Should_relay_an_sse_stream_event_by_event_and_read_its_usage()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var response = await PostAsync(http, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", Body);
        var chunks = await ChunksAsync(response);

        Assert.Equal(3, chunks.Count);
        Assert.Equal("Hello from Gemini", Text(chunks));
        Assert.All(chunks, c => Assert.Equal("resp-stream", (string?)c["responseId"]));
        Assert.True(Assert.Single(GeminiUpstream.Requests).Stream);
        var record = (await LastUsageRecordAsync())!;
        Assert.Equal((11, 4, false), ((int)record["prompt_tokens"]!, (int)record["completion_tokens"]!, (bool)record["usage_estimated"]!));
    }

    [Fact]
    public async Task Should_count_tokens_exactly_at_the_upstream()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var response = await PostAsync(http, "/v1beta/models/gemini-2.5-flash:countTokens", """{"contents":[{"parts":[{"text":"count me"}]}]}""");

        Assert.Equal("exact", response.Headers.GetValues("x-gateway-token-count").Single());
        Assert.Equal("""{"totalTokens":13}""", (await JsonAsync(response)).ToJsonString());
        Assert.Equal("""{"contents":[{"parts":[{"text":"count me"}]}]}""", Assert.Single(GeminiUpstream.Requests).Body.ToJsonString());
    }

    [Fact]
    public async Task Should_pass_embeddings_through_with_each_batch_request_naming_the_upstreams_model()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var one = await PostAsync(http, "/v1beta/models/gemini:gemini-2.5-flash:embedContent", """{"content":{"parts":[{"text":"key rotation"}]},"taskType":"RETRIEVAL_QUERY"}""");
        var batch = await PostAsync(http, "/v1beta/models/gemini:gemini-2.5-flash:batchEmbedContents",
            """{"requests":[{"model":"models/gemini:gemini-2.5-flash","content":{"parts":[{"text":"a"}]},"taskType":"CLUSTERING"}]}""");

        Assert.Equal("""{"embedding":{"values":[0.75,-1]}}""", (await JsonAsync(one)).ToJsonString());
        Assert.Equal("""{"embeddings":[{"values":[0.25,-0.5]}]}""", (await JsonAsync(batch)).ToJsonString());
        Assert.Equal(
            ["""{"content":{"parts":[{"text":"key rotation"}]},"taskType":"RETRIEVAL_QUERY"}""",
             """{"requests":[{"model":"models/gemini-2.5-flash","content":{"parts":[{"text":"a"}]},"taskType":"CLUSTERING"}]}"""],
            GeminiUpstream.Requests.Select(r => r.Body.ToJsonString()));
        var record = (await UsageRecords.LastAsync(Server, Db))!;
        Assert.Equal(("/v1beta/models:batchEmbedContents", true), ((string?)record["endpoint"], (bool)record["usage_estimated"]!));
    }

    [Fact]
    public async Task Should_pass_a_gemini_error_through_as_google_wrote_it()
    {
        const string Quota = """{"error":{"code":400,"message":"API key expired. Please renew the API key.","status":"INVALID_ARGUMENT"}}""";
        GeminiUpstream.Refuse("AIza-first-project-key-000000001", 400, Quota);
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var response = await PostAsync(http, "/v1beta/models/gemini-2.5-flash:generateContent", Body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Quota, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}

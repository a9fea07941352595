using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;
using OpenAI;
using OpenAI.Embeddings;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>
/// OpenAI embeddings answered by a translated upstream (a fake Gemini) and by the mock, in the encoding the
/// client asked for: the official .NET and Node SDKs decode exactly the vectors the upstream made.
/// </summary>
public sealed class EmbeddingEncodingTests(PostgresFixture postgres) : SingleProviderTestBase(postgres)
{
    private FakeGeminiUpstream _gemini = null!;

    private protected override async Task<GatewayConfig> StartUpstreamAsync()
    {
        _gemini = await FakeGeminiUpstream.StartAsync();
        return new GatewayConfig(
            TestProviders.Gemini("gemini", _gemini.BaseUrl).Models("gemini-embedding-001").Keys("AIza-embedding-project-key-00001"),
            TestProviders.Mock("mock").Models("text-embedding-3-small"));
    }

    protected override ValueTask StopUpstreamAsync() => _gemini.DisposeAsync();

    /// <summary>The .NET SDK asks for base64 too (EmbeddingsAndModerationsTests sees it), though it would read numbers.</summary>
    [Fact]
    public async Task Should_give_the_dotnet_sdk_geminis_vectors_with_dimensions_on_every_request_of_the_batch()
    {
        var client = new EmbeddingClient("gemini:gemini-embedding-001", new ApiKeyCredential(Secret), new OpenAIClientOptions { Endpoint = new Uri(Server.Client.BaseAddress!, "/v1") });

        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(["first", "second"], new EmbeddingGenerationOptions { Dimensions = 2 }, TestContext.Current.CancellationToken);

        Assert.Equal([0.25f, -0.5f], embeddings[0].ToFloats().ToArray());
        Assert.Equal([0.5f, -0.5f], embeddings[1].ToFloats().ToArray());
        var sent = Assert.Single(_gemini.Requests).Body["requests"]!.AsArray();
        Assert.Equal([2, 2], sent.Select(r => (int)r!["outputDimensionality"]!));
    }

    [Fact]
    public async Task Should_give_the_node_sdk_geminis_vectors_in_the_base64_it_asks_for_by_default()
    {
        var seen = await RunNodeAsync("gemini:gemini-embedding-001");

        Assert.Equal("[[0.25,-0.5],[0.5,-0.5]]", seen["byDefault"]!.ToJsonString());
        Assert.Equal("[[0.25,-0.5]]", seen["asFloats"]!.ToJsonString());
        Assert.Equal("[[0.25,-0.5]]", seen["sized"]!.ToJsonString());
        Assert.Equal(400, (int)seen["refusal"]!["status"]!);
        Assert.Contains("encoding_format must be one of 'float', 'base64'", (string?)seen["refusal"]!["message"], StringComparison.Ordinal);
        // The refused request never went upstream; the sized one asked Gemini for two dimensions.
        var sent = _gemini.Requests.ToList();
        Assert.Equal(3, sent.Count);
        Assert.Equal(2, (int)sent[2].Body["requests"]![0]!["outputDimensionality"]!);
    }

    [Fact]
    public async Task Should_let_the_mock_answer_the_node_sdk_in_base64_and_at_the_size_asked()
    {
        var seen = await RunNodeAsync("mock:text-embedding-3-small");

        var byDefault = seen["byDefault"]!.AsArray();
        Assert.Equal(2, byDefault.Count);
        Assert.All(byDefault, v => Assert.Equal(8, v!.AsArray().Count));
        Assert.Equal(seen["asFloats"]![0]!.ToJsonString(), byDefault[0]!.ToJsonString());
        Assert.Equal(2, seen["sized"]![0]!.AsArray().Count);
        Assert.Equal(400, (int)seen["refusal"]!["status"]!);
    }

    [Fact]
    public async Task Should_refuse_dimensions_a_gemini_request_cannot_carry_in_the_openai_shape()
    {
        using var http = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Secret);

        var refused = await http.PostAsJsonAsync("/v1/embeddings", new { model = "gemini:gemini-embedding-001", input = "first", dimensions = "two" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Equal("dimensions must be a positive integer, not 'two'", (string?)error["message"]);
        Assert.Empty(_gemini.Requests);
    }

    private Task<JsonObject> RunNodeAsync(string model) => JsClients.SeenAsync("openai-embeddings.mjs", new Dictionary<string, string>
    {
        ["GATEWAY_URL"] = Server.Client.BaseAddress!.ToString().TrimEnd('/'),
        ["GATEWAY_KEY"] = Secret,
        ["MODEL"] = model,
    });
}

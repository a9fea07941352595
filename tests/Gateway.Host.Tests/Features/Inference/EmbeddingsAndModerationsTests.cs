using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;
using OpenAI;
using OpenAI.Embeddings;

namespace Gateway.Host.Tests.Features.Inference;

public sealed class EmbeddingsAndModerationsTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    [Fact]
    public async Task Should_answer_the_official_openai_sdks_embedding_client()
    {
        var client = new EmbeddingClient("fake:text-embedding-3-small", new ApiKeyCredential(Secret), new OpenAIClientOptions { Endpoint = new Uri(Server.Client.BaseAddress!, "/v1") });

        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(["first", "second"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, embeddings.Count);
        Assert.Equal([0.125f, -0.25f, 0.5f], embeddings[1].ToFloats().ToArray());
        Assert.Equal(8, embeddings.Usage.InputTokenCount);
        var sent = Assert.Single(Upstream.Requests).Body;
        Assert.Equal("text-embedding-3-small", (string?)sent["model"]);
        // The SDK asks for base64 and decodes it itself; a translated answer must honour that (EmbeddingEncodingTests).
        Assert.Equal("base64", (string?)sent["encoding_format"]);
    }

    [Fact]
    public async Task Should_pass_a_moderation_request_through_and_refuse_one_without_input()
    {
        var response = await Http.PostAsJsonAsync("/v1/moderations", new { model = "fake:omni-moderation-latest", input = "I want to hurt someone." }, TestContext.Current.CancellationToken);
        var missing = await Http.PostAsJsonAsync("/v1/moderations", new { model = "fake:omni-moderation-latest" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["results"]![0]!;
        Assert.True((bool)result["flagged"]!);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Single(Upstream.Requests);
    }
}

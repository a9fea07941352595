using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Features.Inference.Gemini;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// A native Gemini client's search through the gateway's loop over every upstream kind, streamed and not. Against the
/// Gemini upstream the request could pass through, and still runs as the loop. The client gets the answer with the
/// search as groundingMetadata and never the gateway's functionCall, the upstream the result as its own function
/// result, and each model call and the run are recorded.
/// </summary>
public sealed class GeminiClientToolLoopTests(PostgresFixture postgres) : EveryUpstreamToolTestBase(postgres)
{
    private const string Body = """{"contents":[{"role":"user","parts":[{"text":"What is example.com?"}]}],"tools":[{"gatewayWebSearch":{"max_results":3}}]}""";

    [Theory]
    [MemberData(nameof(EveryUpstreamStreamedAndNot))]
    public async Task A_search_the_model_calls_runs_at_the_gateway_and_the_client_gets_the_answer_and_its_grounding(ToolUpstream upstream, bool stream)
    {
        ScriptSearchThenAnswer(upstream);

        using var response = await WireJson.PostAsync(GeminiClient, $"/v1beta/models/{ModelOf(upstream)}:{(stream ? "streamGenerateContent?alt=sse" : "generateContent")}", Body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        List<JsonObject> chunks = stream ? await GeminiWire.ChunksAsync(response) : [await WireJson.JsonAsync(response)];
        var parts = chunks.SelectMany(c => c["candidates"]?[0]?["content"]?["parts"]?.AsArray() ?? []).ToList();
        Assert.Equal(Before(upstream) + Answer, GeminiWire.Text(chunks));
        Assert.DoesNotContain(parts, p => p!["functionCall"] is not null);
        var grounding = chunks.Select(c => c["candidates"]?[0]?["groundingMetadata"]).OfType<JsonNode>().Single();
        Assert.Equal(["example domain"], grounding["webSearchQueries"]!.AsArray().Select(q => (string?)q));
        Assert.Equal("https://example.com/", (string?)Assert.Single(grounding["groundingChunks"]!.AsArray())!["web"]!["uri"]);
        Assert.Equal("STOP", (string?)chunks[^1]["candidates"]![0]!["finishReason"]);
        Assert.Equal(16, (int)chunks[^1]["usageMetadata"]!["candidatesTokenCount"]!);
        AssertTheUpstreamGotTheResultAsAFunctionResult(upstream);
        await AssertEachCallAndTheRunRecordedAsync(upstream, stream ? "/v1beta/models:streamGenerateContent" : "/v1beta/models:generateContent");
    }
}

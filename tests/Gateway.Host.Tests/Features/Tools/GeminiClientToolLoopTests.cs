using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_turn_calling_the_clients_function_too_stops_with_it_after_the_search_and_the_echo_reaches_the_upstream_as_a_valid_history(bool stream)
    {
        GeminiUpstream.Script(
            FakeGeminiUpstream.Reply.FunctionCalls(("gateway_web_search", """{"query":"example domain"}"""), ("get_weather", """{"city":"Oslo"}""")),
            FakeGeminiUpstream.Reply.Text("Sunny in Oslo."));
        const string Declared = """[{"gatewayWebSearch":{}},{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]}]""";

        using var first = await WireJson.PostAsync(GeminiClient, $"/v1beta/models/{GeminiModel}:{(stream ? "streamGenerateContent?alt=sse" : "generateContent")}",
            $$"""{"contents":[{"role":"user","parts":[{"text":"What is example.com, and the weather in Oslo?"}]}],"tools":{{Declared}}}""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        List<JsonObject> chunks = stream ? await GeminiWire.ChunksAsync(first) : [await WireJson.JsonAsync(first)];
        var parts = chunks.SelectMany(c => c["candidates"]?[0]?["content"]?["parts"]?.AsArray() ?? []).Select(p => p!).ToList();
        var call = Assert.Single(parts, p => p["functionCall"] is not null)["functionCall"]!;
        Assert.Equal(("get_weather", "Oslo"), ((string?)call["name"], (string?)call["args"]!["city"]));
        Assert.Single(chunks.Select(c => c["candidates"]?[0]?["groundingMetadata"]).OfType<JsonNode>());
        Assert.Single(Tools.WebSearch.Calls);
        Assert.Single(GeminiUpstream.Requests);

        var echoed = new JsonArray([.. parts.Select(p => (JsonNode)p.DeepClone())]);
        var answer = new JsonObject { ["functionResponse"] = new JsonObject { ["id"] = call["id"]?.DeepClone(), ["name"] = "get_weather", ["response"] = new JsonObject { ["sky"] = "sunny" } } };
        using var second = await WireJson.PostAsync(GeminiClient, $"/v1beta/models/{GeminiModel}:generateContent", new JsonObject
        {
            ["contents"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = "What is example.com, and the weather in Oslo?" }) },
                new JsonObject { ["role"] = "model", ["parts"] = echoed },
                new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(answer) }),
            ["tools"] = JsonNode.Parse(Declared),
        }.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var contents = GeminiUpstream.Requests.Last().Body["contents"]!.AsArray();
        Assert.Empty(GeminiHistoryProblems(contents));
        Assert.Contains(contents, c => c!["parts"]!.AsArray().Any(p => (string?)p!["functionCall"]?["name"] == "get_weather"));
    }

    /// <summary>
    /// Where a generateContent history breaks Gemini's rule for function calling: a model turn's function calls are
    /// answered by the very next turn, a user turn of as many functionResponse parts, each naming its call's function.
    /// </summary>
    private static List<string> GeminiHistoryProblems(JsonArray contents)
    {
        var problems = new List<string>();
        for (var i = 0; i < contents.Count; i++)
        {
            var calls = contents[i]!["parts"]!.AsArray().Select(p => (string?)p!["functionCall"]?["name"]).OfType<string>().ToList();
            if (calls.Count == 0)
                continue;
            var answers = i + 1 < contents.Count && (string?)contents[i + 1]!["role"] is "user" or "function"
                ? contents[i + 1]!["parts"]!.AsArray().Select(p => (string?)p!["functionResponse"]?["name"]).OfType<string>().ToList()
                : [];
            if (!calls.Order(StringComparer.Ordinal).SequenceEqual(answers.Order(StringComparer.Ordinal)))
                problems.Add($"contents[{i}] calls {string.Join(", ", calls)} but the next turn answers {string.Join(", ", answers)}");
        }

        return problems;
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// A Responses client's search through the gateway's loop over every upstream kind, streamed and not: the client gets
/// a <c>web_search_call</c> item then the cited message, each call and the run are recorded, and the looped answer is
/// stored like any other (GET returns what the client got), before the client sees it end.
/// </summary>
public sealed class ResponsesClientToolLoopTests(PostgresFixture postgres) : EveryUpstreamToolTestBase(postgres)
{
    [Theory]
    [MemberData(nameof(EveryUpstreamStreamedAndNot))]
    public async Task A_search_the_model_calls_runs_at_the_gateway_and_the_stored_response_is_the_one_the_client_got(ToolUpstream upstream, bool stream)
    {
        ScriptSearchThenAnswer(upstream);
        var body = new JsonObject
        {
            ["model"] = ModelOf(upstream), ["max_output_tokens"] = 50, ["stream"] = stream, ["input"] = "What is example.com?",
            ["tools"] = new JsonArray(new JsonObject { ["type"] = "gateway_web_search", ["max_results"] = 3 }),
        };

        using var response = await WireJson.PostAsync(OpenAIClient, "/v1/responses", body.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var answer = stream ? Completed(text) : JsonNode.Parse(text)!.AsObject();
        Assert.Equal("completed", (string?)answer["status"]);
        // What Claude says before its call is a message of its own, ahead of the search, as OpenAI's own answers show it.
        var output = answer["output"]!.AsArray().Select(o => o!).ToList();
        var said = upstream == ToolUpstream.Anthropic ? [Before(upstream), Answer] : new[] { Answer };
        Assert.Equal(upstream == ToolUpstream.Anthropic ? ["message", "web_search_call", "message"] : ["web_search_call", "message"], output.Select(o => (string?)o["type"]));
        Assert.Equal(said, output.Where(o => (string?)o["type"] == "message").Select(o => (string?)o["content"]![0]!["text"]));

        using var stored = await OpenAIClient.GetAsync($"/v1/responses/{(string)answer["id"]!}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.True(JsonNode.DeepEquals(answer, JsonNode.Parse(await stored.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))));
        AssertTheUpstreamGotTheResultAsAFunctionResult(upstream);
        await AssertEachCallAndTheRunRecordedAsync(upstream, "/v1/responses");
    }

    /// <summary>The response object of a stream's <c>response.completed</c> event.</summary>
    private static JsonObject Completed(string stream)
    {
        var data = stream.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).ToList();
        Assert.Equal([.. Enumerable.Range(0, data.Count)], data.Select(d => (int)d["sequence_number"]!));
        return data.Single(d => (string?)d["type"] == "response.completed")["response"]!.AsObject();
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// A Responses client's gateway_web_search through the gateway's loop over every upstream kind, streamed and not:
/// the upstream gets the result as its own function result, the client gets a web_search_call item and then the
/// answer, numbered on in one stream, and each model call and the run are recorded under /v1/responses.
/// </summary>
public sealed class ResponsesClientToolLoopTests(PostgresFixture postgres) : EveryUpstreamToolTestBase(postgres)
{
    [Theory]
    [MemberData(nameof(EveryUpstreamStreamedAndNot))]
    public async Task A_search_the_model_calls_runs_at_the_gateway_and_the_client_gets_a_web_search_call_then_the_answer(ToolUpstream upstream, bool stream)
    {
        ScriptSearchThenAnswer(upstream);
        var body = new JsonObject
        {
            ["model"] = ModelOf(upstream), ["stream"] = stream, ["input"] = "What is example.com?",
            ["tools"] = new JsonArray(new JsonObject { ["type"] = "gateway_web_search", ["max_results"] = 3 }),
        };

        using var response = await WireJson.PostAsync(OpenAIClient, "/v1/responses", body.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonNode answer;
        if (stream)
        {
            var all = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var events = all.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).ToList();
            Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => (int)e["sequence_number"]!));
            Assert.Equal("response.completed", (string?)events[^1]["type"]);
            Assert.Contains(events, e => (string?)e["type"] == "response.output_item.added" && (string?)e["item"]!["type"] == "web_search_call");
            Assert.Single(events, e => (string?)e["type"] == "response.created");
            Assert.DoesNotContain("[DONE]", all, StringComparison.Ordinal);
            answer = events[^1]["response"]!;
        }
        else
        {
            answer = await WireJson.JsonAsync(response);
        }

        var output = answer["output"]!.AsArray();
        var search = output.Single(i => (string?)i!["type"] == "web_search_call")!;
        Assert.Equal(("completed", "search", "example domain"), ((string?)search["status"], (string?)search["action"]!["type"], (string?)search["action"]!["query"]));
        Assert.DoesNotContain(output, i => (string?)i!["type"] == "function_call");
        var message = output[^1]!;
        Assert.Equal("message", (string?)message["type"]);
        Assert.Equal(Answer, (string?)message["content"]![0]!["text"]);
        Assert.True(output.IndexOf(search) < output.Count - 1);
        Assert.Equal("completed", (string?)answer["status"]);
        AssertTheUpstreamGotTheResultAsAFunctionResult(upstream);
        await AssertEachCallAndTheRunRecordedAsync(upstream, "/v1/responses");
    }
}

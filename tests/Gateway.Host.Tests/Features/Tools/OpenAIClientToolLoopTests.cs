using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// An OpenAI chat client's search through the gateway's loop over every upstream kind, streamed and not: the upstream
/// gets the result as its own function result, the client gets the answer with its url_citation and never the
/// gateway's call, and each model call and the run are recorded.
/// </summary>
public sealed class OpenAIClientToolLoopTests(PostgresFixture postgres) : EveryUpstreamToolTestBase(postgres)
{
    [Theory]
    [MemberData(nameof(EveryUpstreamStreamedAndNot))]
    public async Task A_search_the_model_calls_runs_at_the_gateway_and_the_client_gets_the_cited_answer(ToolUpstream upstream, bool stream)
    {
        ScriptSearchThenAnswer(upstream);

        using var response = await WireJson.PostAsync(OpenAIClient, "/v1/chat/completions", Request(upstream, stream));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // What Claude says before its call and the answer after the search are kept apart by a blank line (OpenAIAnswerText).
        var expected = upstream == ToolUpstream.Anthropic ? Before(upstream) + "\n\n" + Answer : Answer;
        if (stream)
        {
            var all = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var chunks = all.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).ToList();
            var choices = chunks.Select(c => c["choices"] is JsonArray { Count: > 0 } cs ? cs[0] : null).OfType<JsonNode>().ToList();
            Assert.DoesNotContain(choices, c => c["delta"]?["tool_calls"] is not null);
            Assert.Equal(expected, string.Concat(choices.Select(c => (string?)c["delta"]?["content"])));
            Assert.Equal(["stop"], choices.Select(c => (string?)c["finish_reason"]).OfType<string>());
            var citation = choices.SelectMany(c => c["delta"]?["annotations"]?.AsArray() ?? []).Single()!;
            Assert.Equal("https://example.com/", (string?)citation["url_citation"]!["url"]);
            Assert.Equal(16, (int)chunks.Single(c => c["usage"] is JsonObject)["usage"]!["completion_tokens"]!);
            Assert.Single(Regex.Matches(all, @"data: \[DONE\]"));
        }
        else
        {
            var answer = await WireJson.JsonAsync(response);
            var message = answer["choices"]![0]!["message"]!;
            Assert.Equal(expected, (string?)message["content"]);
            Assert.Null(message["tool_calls"]);
            Assert.Equal("stop", (string?)answer["choices"]![0]!["finish_reason"]);
            var citation = Assert.Single(message["annotations"]!.AsArray())!["url_citation"]!;
            Assert.Equal("https://example.com/", (string?)citation["url"]);
            Assert.Equal(expected.IndexOf("[1]", StringComparison.Ordinal), (int)citation["start_index"]!);
            Assert.Equal(16, (int)answer["usage"]!["completion_tokens"]!);
        }

        AssertTheUpstreamGotTheResultAsAFunctionResult(upstream);
        await AssertEachCallAndTheRunRecordedAsync(upstream, "/v1/chat/completions");
    }

    private static string Request(ToolUpstream upstream, bool stream)
    {
        var body = new JsonObject
        {
            ["model"] = ModelOf(upstream), ["max_tokens"] = 50, ["stream"] = stream,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is example.com?" }),
            ["tools"] = new JsonArray(new JsonObject { ["type"] = "gateway_web_search", ["max_results"] = 3 }),
        };
        if (stream)
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        return body.ToJsonString();
    }
}

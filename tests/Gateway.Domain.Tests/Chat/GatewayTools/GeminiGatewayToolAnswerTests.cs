using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Gemini;
using static Gateway.Domain.Tests.Chat.GatewayTools.ToolAnswers;

namespace Gateway.Domain.Tests.Chat.GatewayTools;

/// <summary>The gateway's tool calls as a Gemini client sees them: code execution parts and search grounding, as Gemini's own tools show them.</summary>
public sealed class GeminiGatewayToolAnswerTests
{
    private const string Grounding =
        """{"webSearchQueries":["gateway news"],"groundingChunks":[{"web":{"uri":"https://a.example/1","title":"One"}},{"web":{"uri":"https://b.example/2","title":"Two"}}]}""";

    [Fact]
    public void Should_show_code_as_executable_code_and_its_result_and_searches_as_the_candidates_grounding()
    {
        var candidate = GeminiResponseWriter.Write(Response(), "m")["candidates"]![0]!;

        Assert.Equal(
            """[{"text":"Looking. "},{"executableCode":{"id":"gw_call_2","language":"PYTHON","code":"print(6*7)"}},{"codeExecutionResult":{"id":"gw_call_2","outcome":"OUTCOME_OK","output":"42\n"}},{"text":"One [1] says so, as does https://b.example/2; [7] is not a result. 6*7 is 42."}]""",
            candidate["content"]!["parts"]!.ToJsonString());
        Assert.Equal(Grounding, candidate["groundingMetadata"]!.ToJsonString());
    }

    [Theory]
    [InlineData(1, false, "", "Traceback", "OUTCOME_FAILED", "Traceback")]
    [InlineData(-9, true, "partial", "", "OUTCOME_DEADLINE_EXCEEDED", "partial")]
    public void Should_give_a_run_that_did_not_end_well_its_outcome(int exit, bool timedOut, string stdout, string stderr, string outcome, string output)
    {
        var response = new ChatResponse("r", "m", [Run, Ran with { Outcome = new CodeRunOutcome("x", stdout, stderr, exit, timedOut, []) }], FinishReason.Stop, ChatUsage.None);

        var result = GeminiResponseWriter.Write(response, "m")["candidates"]![0]!["content"]!["parts"]![1]!["codeExecutionResult"]!;

        Assert.Equal((outcome, output), ((string?)result["outcome"], (string?)result["output"]));
    }

    [Fact]
    public void Should_show_a_run_that_failed_outright_with_the_reason_and_a_failed_search_with_no_grounding()
    {
        var response = new ChatResponse("r", "m", [Search, Found with { Outcome = null }, Run, Ran with { Outcome = null, Text = "the sandbox is unavailable" }], FinishReason.Stop, ChatUsage.None);

        var candidate = GeminiResponseWriter.Write(response, "m")["candidates"]![0]!;

        Assert.Equal("""{"id":"gw_call_2","outcome":"OUTCOME_FAILED","output":"the sandbox is unavailable"}""", candidate["content"]!["parts"]![1]!["codeExecutionResult"]!.ToJsonString());
        Assert.Null(candidate["groundingMetadata"]);
    }

    [Fact]
    public void Should_read_back_the_parts_it_wrote_when_the_client_echoes_them()
    {
        var content = GeminiResponseWriter.Write(Response(), "m")["candidates"]![0]!["content"]!.DeepClone();
        var (request, problems) = GeminiRequestReader.Read("m", new JsonObject
        {
            ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = "q" }) }, content),
        });

        Assert.Empty(problems);
        var parts = request!.Messages.SelectMany(m => m.Parts).ToList();
        Assert.Equal([Run with { Name = "gateway_code_execution" }], parts.OfType<ServerToolCallPart>());
        Assert.Equal("call_2", Assert.Single(parts.OfType<ServerToolResultPart>()).ToolCallId);
    }

    [Fact]
    public void Should_stream_code_parts_as_they_are_shown_and_the_grounding_in_the_last_chunk()
    {
        var writer = new GeminiEventWriter("m");
        var chunks = Deltas().SelectMany(writer.Write).Concat(writer.Complete(new ChatUsage(10, 5, 0)))
            .Select(f => JsonNode.Parse(f["data: ".Length..].TrimEnd())!["candidates"]![0]!).ToList();

        Assert.Equal(5, chunks.Count);
        Assert.NotNull(chunks[1]["content"]!["parts"]![0]!["executableCode"]);
        Assert.NotNull(chunks[2]["content"]!["parts"]![0]!["codeExecutionResult"]);
        Assert.Equal(Grounding, chunks[^1]["groundingMetadata"]!.ToJsonString());
        Assert.All(chunks[..^1], c => Assert.Null(c["groundingMetadata"]));
    }
}

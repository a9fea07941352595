using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using static Gateway.Domain.Tests.Chat.GatewayTools.ToolAnswers;

namespace Gateway.Domain.Tests.Chat.GatewayTools;

/// <summary>The gateway's tool calls as an OpenAI chat client sees them: not at all, but for url_citation annotations of what the answer cites.</summary>
public sealed class OpenAIGatewayToolAnswerTests
{
    private const string Content = "Looking. " + Answer;

    private static readonly int Marker = Content.IndexOf("[1]", StringComparison.Ordinal);
    private static readonly int Url = Content.IndexOf("https://b.example/2", StringComparison.Ordinal);

    private static string Annotations() =>
        $$$"""[{"type":"url_citation","url_citation":{"url":"https://a.example/1","title":"One","start_index":{{{Marker}}},"end_index":{{{Marker + 3}}}}},{"type":"url_citation","url_citation":{"url":"https://b.example/2","title":"Two","start_index":{{{Url}}},"end_index":{{{Url + 19}}}}}]""";

    [Fact]
    public void Should_annotate_only_what_the_answer_cites_by_marker_or_url_and_show_no_tool_calls()
    {
        var message = OpenAIChatResponseWriter.Write(Response(), created: 1)["choices"]![0]!["message"]!;

        Assert.Equal(Content, (string?)message["content"]);
        Assert.Equal(Annotations(), message["annotations"]!.ToJsonString());
        Assert.Null(message["tool_calls"]);
    }

    [Fact]
    public void Should_cite_the_latest_search_by_a_marker_as_each_search_numbers_its_results_from_one()
    {
        var earlier = Found with { Outcome = new WebSearchOutcome("old", [new WebSearchHit("Old", "https://old.example/", null, null, null)]) };
        var response = new ChatResponse("r", "m", [Search, earlier, Search, Found, new TextPart("See [1].")], FinishReason.Stop, ChatUsage.None);

        var annotations = OpenAIChatResponseWriter.Write(response, created: 1)["choices"]![0]!["message"]!["annotations"]!.AsArray();

        Assert.Equal("https://a.example/1", (string?)Assert.Single(annotations)!["url_citation"]!["url"]);
    }

    [Theory]
    [InlineData("No sources were named.")]
    [InlineData("See https://a.example/12 instead.")]
    public void Should_annotate_nothing_when_the_answer_cites_no_result(string text)
    {
        var response = new ChatResponse("r", "m", [Search, Found, new TextPart(text)], FinishReason.Stop, ChatUsage.None);

        Assert.Null(OpenAIChatResponseWriter.Write(response, created: 1)["choices"]![0]!["message"]!["annotations"]);
    }

    [Fact]
    public void Should_stream_the_annotations_in_a_chunk_of_their_own_before_the_finish_and_nothing_of_the_calls()
    {
        var writer = new OpenAIChunkWriter(includeUsage: false, created: 1);
        var chunks = Deltas().SelectMany(writer.Write).Select(f => JsonNode.Parse(f["data: ".Length..])!["choices"]![0]!).ToList();

        Assert.Equal(["", "Looking. ", Answer], chunks.Select(c => (string?)c["delta"]!["content"]).OfType<string>());
        Assert.Equal(Annotations(), chunks[^2]["delta"]!["annotations"]!.ToJsonString());
        Assert.Equal("stop", (string?)chunks[^1]["finish_reason"]);
        Assert.Equal(5, chunks.Count);
    }

    [Fact]
    public void Should_keep_the_text_before_a_tool_ran_and_the_text_after_it_apart_by_a_blank_line_whole_and_streamed()
    {
        const string Content = "Let me look that up.\n\nSee [1].";
        var response = new ChatResponse("r", "m", [new TextPart("Let me look that up."), Search, Found, new TextPart("See [1].")], FinishReason.Stop, ChatUsage.None);
        var writer = new OpenAIChunkWriter(includeUsage: false, created: 1);
        ChatDelta[] deltas = [new StreamStarted("r", "m", null), new TextDelta("Let me look that up."), new ServerToolCallDelta(0, Search), new ServerToolResultDelta(Found), new TextDelta("See [1]."), new StreamFinished(FinishReason.Stop, ChatUsage.None)];

        var message = OpenAIChatResponseWriter.Write(response, created: 1)["choices"]![0]!["message"]!;
        var chunks = deltas.SelectMany(writer.Write).Select(f => JsonNode.Parse(f["data: ".Length..])!["choices"]![0]!["delta"]!).ToList();

        Assert.Equal(Content, (string?)message["content"]);
        Assert.Equal(Content.IndexOf("[1]", StringComparison.Ordinal), (int)message["annotations"]![0]!["url_citation"]!["start_index"]!);
        Assert.Equal(["", "Let me look that up.", "\n\nSee [1]."], chunks.Select(c => (string?)c["content"]).OfType<string>());
        Assert.Equal(Content.IndexOf("[1]", StringComparison.Ordinal), (int)chunks.Single(c => c["annotations"] is not null)["annotations"]![0]!["url_citation"]!["start_index"]!);
    }
}

using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat.OpenAI;

/// <summary>The Responses API's usage, read from a passed-through answer or the terminal event of its stream, cache reads and reasoning inside the totals.</summary>
public sealed class OpenAIResponsesUsageTests
{
    private const string Usage = """
        "usage":{"input_tokens":120,"input_tokens_details":{"cached_tokens":100},"output_tokens":40,"output_tokens_details":{"reasoning_tokens":32},"total_tokens":160}
        """;

    private static ChatUsage? Read(string json) => OpenAIResponsesUsage.Read(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Should_read_a_response_objects_usage_with_its_cached_and_reasoning_tokens() =>
        Assert.Equal(new ChatUsage(120, 40, 100, ReasoningTokens: 32), Read($$"""{"id":"resp_1","object":"response","status":"completed",{{Usage}}}"""));

    [Theory]
    [InlineData("response.completed")]
    [InlineData("response.incomplete")]
    [InlineData("response.failed")]
    public void Should_read_the_usage_of_the_response_a_terminal_event_carries(string type) =>
        Assert.Equal(new ChatUsage(120, 40, 100, ReasoningTokens: 32), Read($$$"""{"type":"{{{type}}}","sequence_number":9,"response":{"id":"resp_1",{{{Usage}}}}}"""));

    [Theory]
    [InlineData("""{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","usage":null}}""")]
    [InlineData("""{"type":"response.output_text.delta","sequence_number":3,"delta":"hi"}""")]
    [InlineData("[]")]
    public void Should_read_no_usage_where_there_is_none(string json) => Assert.Null(Read(json));

    [Fact]
    public void Should_read_missing_details_as_none() =>
        Assert.Equal(new ChatUsage(5, 2, 0), Read("""{"usage":{"input_tokens":5,"output_tokens":2,"input_tokens_details":null}}"""));

    [Fact]
    public void Should_write_back_what_it_reads()
    {
        var usage = new ChatUsage(120, 40, 100, ReasoningTokens: 32);

        Assert.Equal(usage, Read("{\"usage\":" + OpenAIResponsesUsage.Write(usage).ToJsonString() + "}"));
    }
}

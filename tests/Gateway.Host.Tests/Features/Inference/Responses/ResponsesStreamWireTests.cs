using System.Text;
using Gateway.Host.Tests.Infrastructure;
using OpenAI.Responses;
using static Gateway.Host.Tests.Features.Inference.Responses.ResponsesWire;

namespace Gateway.Host.Tests.Features.Inference.Responses;

/// <summary>
/// A Responses stream as it is on the wire: OpenAI's exact event sequence for text and for a function call, every
/// event numbered from 0 without a gap, no <c>[DONE]</c>; a passed-through stream byte for byte as the upstream sent
/// it; and a stream the upstream cut ending with an <c>error</c> event then <c>response.failed</c>, numbered on.
/// </summary>
public sealed class ResponsesStreamWireTests(PostgresFixture postgres) : ResponsesTestBase(postgres)
{
    private static readonly string[] TextEvents =
    [
        "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
    ];

    private static readonly string[] FunctionCallEvents =
    [
        "response.created", "response.in_progress", "response.output_item.added", "response.function_call_arguments.delta",
        "response.function_call_arguments.done", "response.output_item.done", "response.completed",
    ];

    [Theory]
    [InlineData(NativeModel)]
    [InlineData(ChatModel)]
    [InlineData(ClaudeModel)]
    [InlineData(GeminiModel)]
    public async Task Should_stream_text_in_openais_event_sequence_numbered_from_zero(string model)
    {
        var events = await StreamAsync($$"""{"model":"{{model}}","stream":true,"input":"Say hello"}""");

        Assert.Equal(TextEvents, Collapsed(events));
        AssertNumberedAndNamed(events);
        var done = events.Single(e => e.Type == "response.output_text.done").Data;
        Assert.Equal(string.Concat(events.Where(e => e.Type == "response.output_text.delta").Select(e => (string)e.Data["delta"]!)), (string)done["text"]!);
        var completed = events[^1].Data["response"]!;
        Assert.Equal("completed", (string?)completed["status"]);
        Assert.Equal((string?)events[0].Data["response"]!["id"], (string?)completed["id"]);
        Assert.True((int)completed["usage"]!["output_tokens"]! > 0);
    }

    [Theory]
    [InlineData(NativeModel)]
    [InlineData(ChatModel)]
    [InlineData(ClaudeModel)]
    [InlineData(GeminiModel)]
    public async Task Should_stream_a_function_call_in_openais_event_sequence(string model)
    {
        ScriptWeatherCall(model);

        var events = await StreamAsync("""
            {"model":"MODEL","stream":true,"input":"Weather in Oslo?","tools":[{"type":"function","name":"weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]}
            """.Replace("MODEL", model, StringComparison.Ordinal));

        // Anthropic's fake says a sentence before it calls the tool: a message item comes first.
        Assert.Equal(model == ClaudeModel ? [.. TextEvents[..^1], .. FunctionCallEvents[2..]] : FunctionCallEvents, Collapsed(events));
        AssertNumberedAndNamed(events);
        var arguments = string.Concat(events.Where(e => e.Type == "response.function_call_arguments.delta").Select(e => (string)e.Data["delta"]!));
        var done = events.Single(e => e.Type == "response.function_call_arguments.done").Data;
        Assert.Equal(("weather", """{"city":"Oslo"}"""), ((string?)done["name"], (string?)done["arguments"]));
        Assert.Equal("""{"city":"Oslo"}""", arguments.Replace(" ", "", StringComparison.Ordinal));
        var item = events[^1].Data["response"]!["output"]!.AsArray()[^1]!;
        Assert.Equal(("function_call", "weather"), ((string?)item["type"], (string?)item["name"]));
        Assert.Equal((string?)events.Last(e => e.Type == "response.output_item.added").Data["item"]!["call_id"], (string?)item["call_id"]);
    }

    [Fact]
    public async Task Should_pass_a_responses_stream_through_byte_for_byte()
    {
        using var response = await PostAsync(Http, $$"""{"model":"{{NativeModel}}","stream":true,"input":"Say hello"}""");
        var received = await response.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetString(Assert.Single(NativeUpstream.StreamedBytes)), Encoding.UTF8.GetString(received));
    }

    [Theory]
    [InlineData(NativeModel)]
    [InlineData(ChatModel)]
    public async Task Should_end_a_stream_the_upstream_cut_with_an_error_event_then_response_failed_numbered_on(string model)
    {
        var cut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ScriptCut(model, cut.Task);

        using var response = await PostAsync(Http, $$"""{"model":"{{model}}","stream":true,"input":"Say hello"}""");
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        var text = await StreamedText.ReadUntilAsync(body, "word1");
        cut.SetResult();
        using var rest = new StreamReader(body);
        var events = Events(text + await rest.ReadToEndAsync(Ct));

        AssertNumberedAndNamed(events);
        Assert.Equal(["error", "response.failed"], events.TakeLast(2).Select(e => e.Type));
        var error = events[^2].Data;
        Assert.Equal("upstream_stream_interrupted", (string?)error["code"]);
        Assert.Equal("upstream_stream_interrupted", (string?)error["error"]!["code"]);
        var failed = events[^1].Data["response"]!;
        Assert.Equal(("failed", "upstream_stream_interrupted"), ((string?)failed["status"], (string?)failed["error"]!["code"]));
        Assert.Equal((string?)events[0].Data["response"]!["id"], (string?)failed["id"]);
        Assert.Equal(502, (int)(await UsageRecords.LastAsync(Server, Db))!["status"]!);
    }

    [Theory]
    [InlineData(NativeModel)]
    [InlineData(ChatModel)]
    public async Task Should_show_the_sdk_the_error_and_the_failed_response_when_the_upstream_cuts_the_stream(string model)
    {
        var cut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ScriptCut(model, cut.Task);
        var updates = new List<StreamingResponseUpdate>();

        await foreach (var update in await Responses().CreateResponseStreamingAsync(model, "Say hello", cancellationToken: Ct))
        {
            updates.Add(update);
            if (update is StreamingResponseOutputTextDeltaUpdate { Delta: var delta } && delta.Contains("word1", StringComparison.Ordinal))
                cut.SetResult();
        }

        var error = Assert.IsType<StreamingResponseErrorUpdate>(updates[^2]);
        var failed = Assert.IsType<StreamingResponseFailedUpdate>(updates[^1]);
        Assert.Equal(("upstream_stream_interrupted", "the upstream stream broke off before it finished"), (error.Code, error.Message));
        Assert.Equal((ResponseStatus.Failed, updates.Count - 1), (failed.Response.Status, failed.SequenceNumber));
        Assert.Equal("upstream_stream_interrupted", failed.Response.Error.Code.ToString());
    }

    private async Task<IReadOnlyList<Event>> StreamAsync(string json)
    {
        using var response = await PostAsync(Http, json);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        return Events(text);
    }

    /// <summary>Every event's sequence_number is its place in the stream, and its event line names its type.</summary>
    private static void AssertNumberedAndNamed(IReadOnlyList<Event> events)
    {
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => (int)e.Data["sequence_number"]!));
        Assert.All(events, e => Assert.Equal(e.Name, e.Type));
    }

    /// <summary>The event types in order, a run of deltas as one.</summary>
    private static List<string> Collapsed(IReadOnlyList<Event> events) =>
        [.. events.Select(e => e.Type).Where((type, i) => i == 0 || !type.EndsWith(".delta", StringComparison.Ordinal) || events[i - 1].Type != type)];
}

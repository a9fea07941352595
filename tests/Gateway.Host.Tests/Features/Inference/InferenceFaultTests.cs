using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Features.Inference;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using static Gateway.Host.Tests.Features.Inference.Anthropic.AnthropicWire;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>
/// An unexpected exception on an inference path (here an upstream's 200 the translation cannot read) is a
/// 500 in the caller's dialect carrying the request id, logged once with its stack; a stream already under
/// way ends with the dialect's error event. The usage record is kept.
/// </summary>
public sealed class InferenceFaultTests(PostgresFixture postgres) : EveryDialectTestBase(postgres)
{
    /// <summary>A good first chunk, so that the client's stream begins, then data no chunk can be read from.</summary>
    private const string BreaksAfterOneChunk =
        "data: {\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\ndata: 42\n\n";

    [Fact]
    public async Task Should_answer_500_in_the_openai_shape_with_the_request_id_and_log_it_once()
    {
        ClaudeUpstream.Refuse("sk-ant-only", 200, "this is not JSON");

        using var response = await SendAsync(OpenAIClient, "/v1/chat/completions", $$"""{"model":"{{ClaudeModel}}","messages":[{"role":"user","content":"hi"}]}""", "fault-openai");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("fault-openai", response.Headers.GetValues("X-Request-Id").Single());
        var error = (await WireJson.JsonAsync(response))["error"]!;
        Assert.Equal(("api_error", "internal_error"), ((string?)error["type"], (string?)error["code"]));
        Assert.Contains("request id fault-openai", (string?)error["message"], StringComparison.Ordinal);
        Assert.IsType<JsonException>(LoggedOnce("fault-openai").Exception, exactMatch: false);
        await AssertSettledAsync();
    }

    [Fact]
    public async Task Should_answer_500_in_googles_shape()
    {
        OpenAIUpstream.Script("up-1", FakeOpenAIUpstream.Reply.Status(200, "this is not JSON"));

        using var response = await SendAsync(GeminiClient, $"/v1beta/models/{OpenAIModel}:generateContent", """{"contents":[{"parts":[{"text":"hi"}]}]}""", "fault-gemini");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = (await WireJson.JsonAsync(response))["error"]!;
        Assert.Equal((500, "INTERNAL"), ((int?)error["code"], (string?)error["status"]));
        Assert.Contains("request id fault-gemini", (string?)error["message"], StringComparison.Ordinal);
        LoggedOnce("fault-gemini");
        await AssertSettledAsync();
    }

    [Fact]
    public async Task Should_end_a_stream_under_way_with_anthropics_error_event()
    {
        OpenAIUpstream.Script("up-1", FakeOpenAIUpstream.Reply.Status(200, BreaksAfterOneChunk));

        using var response = await SendAsync(AnthropicClient, "/v1/messages",
            $$"""{"model":"{{OpenAIModel}}","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", "fault-stream");
        var events = await EventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("message_start", events[0].Event);
        Assert.Contains(events, e => (string?)e.Data["delta"]?["text"] == "Hel");
        var (name, data) = events[^1];
        Assert.Equal(("error", "api_error"), (name, (string?)data["error"]!["type"]));
        Assert.Contains("request id fault-stream", (string?)data["error"]!["message"], StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(LoggedOnce("fault-stream").Exception);
        await AssertSettledAsync();
    }

    [Fact]
    public async Task Should_close_geminis_json_array_stream_with_the_error_as_its_last_element()
    {
        OpenAIUpstream.Script("up-1", FakeOpenAIUpstream.Reply.Status(200, BreaksAfterOneChunk));

        using var response = await SendAsync(GeminiClient, $"/v1beta/models/{OpenAIModel}:streamGenerateContent", """{"contents":[{"parts":[{"text":"hi"}]}]}""", "fault-array");
        var chunks = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();

        Assert.Equal("Hel", (string?)chunks[0]!["candidates"]![0]!["content"]!["parts"]![0]!["text"]);
        Assert.Equal((500, "INTERNAL"), ((int?)chunks[^1]!["error"]!["code"], (string?)chunks[^1]!["error"]!["status"]));
        LoggedOnce("fault-array");
        await AssertSettledAsync();
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string body, string requestId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Request-Id", requestId);
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The one error the gateway logged, which must name the request and carry the exception.</summary>
    private CapturedLogs.Entry LoggedOnce(string requestId)
    {
        var error = Assert.Single(Logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.Equal(typeof(InferenceFaults).FullName, error.Category);
        Assert.Contains(requestId, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Exception!.StackTrace);
        return error;
    }

    /// <summary>The failed request is recorded as a 500, and the next one is served.</summary>
    private async Task AssertSettledAsync()
    {
        var record = (await UsageRecords.LastAsync(Server, Db))!;
        Assert.Equal(500, (int)record["status"]!);
        using var served = await WireJson.PostAsync(OpenAIClient, "/v1/chat/completions", $$"""{"model":"{{OpenAIModel}}","messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}

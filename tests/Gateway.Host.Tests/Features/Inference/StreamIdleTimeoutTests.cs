using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>
/// An upstream that stops sending mid-stream: after the provider's stream_idle_timeout_seconds the gateway
/// cancels the upstream call, ends the client's stream with its dialect's error event and records the stall,
/// on every relay (passthrough and translated, both Gemini stream forms). Time is the test's: the gateway
/// runs on a fake clock, advanced once the idle timer is known to be running.
/// </summary>
public sealed class StreamIdleTimeoutTests(PostgresFixture postgres) : SingleProviderTestBase(postgres)
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Whole = TimeSpan.FromSeconds(30);

    private readonly ObservedClock _clock = new();
    private StallingUpstream _upstream = null!;

    protected override TimeProvider? Clock => _clock;

    private protected override async Task<GatewayConfig> StartUpstreamAsync()
    {
        _upstream = await StallingUpstream.StartAsync();
        ProviderFixture Stalling(ProviderFixture provider, string model) =>
            provider.Models(model).StreamIdleTimeout(Idle).Timeout(Whole).Key($"{provider.Name}-stalling-key-0000000001", label: "only");
        return new GatewayConfig(
            Stalling(TestProviders.OpenAI("openai", new Uri(_upstream.BaseUrl, "v1")), "gpt-4o-mini"),
            Stalling(TestProviders.Anthropic("anthropic", _upstream.BaseUrl), "claude-sonnet-4-5"),
            Stalling(TestProviders.Gemini("gemini", _upstream.BaseUrl), "gemini-2.5-flash"));
    }

    protected override ValueTask StopUpstreamAsync() => _upstream.DisposeAsync();

    [Fact]
    public async Task Should_end_a_passed_through_openai_stream_with_an_openai_error_chunk_and_record_the_stall()
    {
        var rest = await StallAsync("/v1/chat/completions", """{"model":"openai:gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hi"}]}""", "\"lo\"");

        var error = JsonNode.Parse(rest.Trim()[6..])!["error"]!;
        Assert.Equal(("api_error", "stream_idle_timeout"), ((string?)error["type"], (string?)error["code"]));
        Assert.Equal("the upstream sent nothing for 5 s after the stream began; the gateway ended the stream", (string?)error["message"]);
        Assert.DoesNotContain("[DONE]", rest, StringComparison.Ordinal);
        await AssertRecordedStallAsync("openai");
    }

    [Fact]
    public async Task Should_end_an_openai_stream_translated_from_anthropic_with_an_openai_error_chunk()
    {
        var rest = await StallAsync("/v1/chat/completions", """{"model":"anthropic:claude-sonnet-4-5","stream":true,"messages":[{"role":"user","content":"Hi"}]}""", "\"lo\"");

        Assert.Equal("stream_idle_timeout", (string?)JsonNode.Parse(rest.Trim()[6..])!["error"]!["code"]);
        // The stream never reached its usage: the tokens are the gateway's estimate.
        var record = await AssertRecordedStallAsync("anthropic");
        Assert.True((bool)record["usage_estimated"]!);
    }

    [Fact]
    public async Task Should_end_a_passed_through_anthropic_stream_with_a_timeout_error_event()
    {
        var rest = await StallAsync("/v1/messages", """{"model":"anthropic:claude-sonnet-4-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""", "\"lo\"");

        Assert.StartsWith("event: error\n", rest.TrimStart('\n'), StringComparison.Ordinal);
        var error = JsonNode.Parse(rest.Split("data: ")[1])!;
        Assert.Equal(("error", "timeout_error"), ((string?)error["type"], (string?)error["error"]!["type"]));
        await AssertRecordedStallAsync("anthropic");
    }

    [Fact]
    public async Task Should_end_an_anthropic_stream_translated_from_openai_with_a_timeout_error_event()
    {
        var rest = await StallAsync("/v1/messages", """{"model":"openai:gpt-4o-mini","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""", "\"lo\"");

        var error = JsonNode.Parse(rest[(rest.IndexOf("event: error\ndata: ", StringComparison.Ordinal) + 19)..])!;
        Assert.Equal("timeout_error", (string?)error["error"]!["type"]);
        await AssertRecordedStallAsync("openai");
    }

    [Fact]
    public async Task Should_end_a_passed_through_gemini_sse_stream_with_a_deadline_exceeded_error()
    {
        var rest = await StallAsync("/v1beta/models/gemini:gemini-2.5-flash:streamGenerateContent?alt=sse", Contents, "\"lo\"");

        var error = JsonNode.Parse(rest.Trim()[6..])!["error"]!;
        Assert.Equal((504, "DEADLINE_EXCEEDED"), ((int)error["code"]!, (string?)error["status"]));
        // Gemini's chunks carry running totals: what was produced is reported, not estimated.
        var record = await AssertRecordedStallAsync("gemini");
        Assert.Equal((11, 1, false), ((int)record["prompt_tokens"]!, (int)record["completion_tokens"]!, (bool)record["usage_estimated"]!));
    }

    [Fact]
    public async Task Should_close_a_gemini_json_array_stream_with_a_deadline_exceeded_error_element()
    {
        var rest = await StallAsync("/v1beta/models/gemini:gemini-2.5-flash:streamGenerateContent", Contents, "\"lo\"");

        // The rest of the array: the error element, then the array's end, so the whole body is valid JSON.
        var error = JsonNode.Parse("[" + rest.TrimStart().TrimStart(','))!.AsArray().Single()!["error"]!;
        Assert.Equal("DEADLINE_EXCEEDED", (string?)error["status"]);
        await AssertRecordedStallAsync("gemini");
    }

    [Fact]
    public async Task Should_end_a_gemini_stream_translated_from_openai_with_a_deadline_exceeded_error()
    {
        var rest = await StallAsync("/v1beta/models/openai:gpt-4o-mini:streamGenerateContent?alt=sse", Contents, "\"lo\"");

        Assert.Equal("DEADLINE_EXCEEDED", (string?)JsonNode.Parse(rest.Trim()[6..])!["error"]!["status"]);
        await AssertRecordedStallAsync("openai");
    }

    [Fact]
    public async Task Should_bound_a_whole_answer_whose_body_stalls_by_the_request_timeout_and_retry_it_unseen()
    {
        using var http = Http();
        var pending = http.PostAsync("/v1/chat/completions", Json("""{"model":"openai:gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}"""), TestContext.Current.CancellationToken);
        await _upstream.Stalled.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await _clock.WhenArmedAsync(Whole).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        _clock.Advance(Whole);
        using var response = await pending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["choices"]![0]!["message"]!["content"]);
        await _upstream.Abandoned.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(2, _upstream.Requests);
        var attempts = (await LastUsageRecordAsync())!["attempts"]!.AsArray();
        Assert.Equal(["transient", "ok"], attempts.Select(a => (string?)a!["outcome"]));
        Assert.EndsWith("within 30 s", (string?)attempts[0]!["detail"], StringComparison.Ordinal);
    }

    private const string Contents = """{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}""";

    /// <summary>
    /// Streams the request until the client has <paramref name="seen"/> (the last thing the upstream sends
    /// before it stalls), waits for the gateway's idle timer, moves the clock past it, and returns the rest
    /// of the stream, read to its end.
    /// </summary>
    private async Task<string> StallAsync(string path, string body, string seen)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await StreamedText.ReadUntilAsync(stream, seen, TimeSpan.FromSeconds(10));

        await _clock.WhenArmedAsync(Idle).WaitAsync(TimeSpan.FromSeconds(10), ct);
        _clock.Advance(Idle);
        using var rest = new StreamReader(stream);
        var text = await rest.ReadToEndAsync(ct).WaitAsync(TimeSpan.FromSeconds(10), ct);
        await _upstream.Abandoned.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        return text;
    }

    /// <summary>The stall on the record (504, the attempt's outcome, tokens charged) and on the key: its lease released, one transient failure, not benched yet.</summary>
    private async Task<JsonObject> AssertRecordedStallAsync(string provider)
    {
        var record = (await LastUsageRecordAsync())!;
        Assert.Equal((504, provider, false), ((int)record["status"]!, (string?)record["provider"], (bool)record["client_cancelled"]!));
        var attempt = Assert.Single(record["attempts"]!.AsArray())!;
        Assert.Equal(("stream_idle_timeout", "no bytes for 5 s after the stream began"), ((string?)attempt["outcome"], (string?)attempt["detail"]));
        Assert.True((int)record["prompt_tokens"]! > 0 && (int)record["completion_tokens"]! > 0, record.ToJsonString());
        var key = (await Admin.OkAsync(HttpMethod.Get, $"/v1/providers/{provider}"))["keys"]![0]!;
        Assert.Equal(("active", 0, 1), ((string?)key["state"], (int)key["in_flight"]!, (int)key["consecutive_failures"]!));
        Assert.StartsWith("stream stalled", (string?)key["last_error"], StringComparison.Ordinal);
        return record;
    }

    private HttpClient Http()
    {
        var http = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}

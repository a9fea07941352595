using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Sdk;
using Reply = Gateway.Host.Tests.Fakes.FakeOpenAIUpstream.Reply;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>What the pool does with upstream refusals, seen from a client that never notices them.</summary>
public sealed class KeyRotationTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    private static readonly string ContextTooLong =
        """{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 200000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""";

    [Fact]
    public async Task Should_rotate_past_rate_limited_keys_and_keep_away_from_them_while_they_cool_down()
    {
        Upstream.Script("up-1", Reply.RateLimited(30));
        Upstream.Script("up-2", Reply.RateLimited(30));

        var responses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
            responses.Add((await ChatAsync()).StatusCode);

        Assert.All(responses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(["up-1", "up-2", "up-3", "up-3", "up-3", "up-3", "up-3", "up-3"], Upstream.KeysUsed);
    }

    [Fact]
    public async Task Should_answer_429_with_retry_after_of_the_first_key_to_free_when_every_key_is_limited()
    {
        Upstream.Script("up-1", Reply.RateLimited(40));
        Upstream.Script("up-2", Reply.RateLimited(20));
        Upstream.Script("up-3", Reply.RateLimited(30));

        var response = await ChatAsync();
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.InRange(int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 19, 20);
        Assert.Equal("all_keys_exhausted", (string?)error["code"]);
        Assert.Equal("rate_limit_error", (string?)error["type"]);
        Assert.Equal(3, Upstream.Requests.Count);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ChatAsync()).StatusCode);
        Assert.Equal(3, Upstream.Requests.Count);
    }

    [Fact]
    public async Task Should_disable_a_key_the_upstream_rejects_and_never_use_it_again()
    {
        Upstream.Script("up-1", Reply.Status(401, """{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"""));

        for (var i = 0; i < 6; i++)
            Assert.Equal(HttpStatusCode.OK, (await ChatAsync()).StatusCode);

        Assert.Equal(1, Upstream.KeysUsed.Count(k => k == "up-1"));
        Assert.Equal(6, Upstream.KeysUsed.Count(k => k != "up-1"));
    }

    [Fact]
    public async Task Should_return_a_context_length_error_at_once_without_trying_another_key()
    {
        Upstream.Script("up-1", Reply.Status(400, ContextTooLong));

        var response = await ChatAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ContextTooLong, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Single(Upstream.Requests);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync()).StatusCode);
    }

    [Fact]
    public async Task Should_retry_a_server_error_once_on_the_same_key_then_move_to_another()
    {
        Upstream.Script("up-1", Reply.Status(500, """{"error":{"message":"internal error"}}"""), Reply.Status(503, """{"error":{"message":"overloaded"}}"""));

        var response = await ChatAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["up-1", "up-1", "up-2"], Upstream.KeysUsed);
    }

    [Fact]
    public async Task Should_fall_back_to_the_next_model_of_an_alias_chain_when_the_first_is_exhausted()
    {
        Upstream.Script("up-1", Reply.RateLimited(60));
        Upstream.Script("up-2", Reply.RateLimited(60));
        Upstream.Script("up-3", Reply.RateLimited(60));

        var response = await ChatAsync("smart");
        var record = await RecordAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gpt-4o", "gpt-4o", "gpt-4o"], Upstream.Requests.Select(r => (string)r.Body["model"]!));
        Assert.Equal("backup-model", (string?)Assert.Single(Backup.Requests).Body["model"]);
        Assert.Equal("backup", (string?)record["provider"]);
        Assert.Equal(4, record["attempts"]!.AsArray().Count);
    }

    [Fact]
    public async Task Should_cancel_the_upstream_when_the_client_leaves_mid_stream_and_still_record_what_was_produced()
    {
        Upstream.Script("up-1", Reply.HeldStream(chunks: 3));

        // Reads until the upstream's last word, then leaves while the upstream still holds the stream open;
        // it hangs up at once rather than reading on (2 s by default) to keep the connection for another request.
        using (var leaving = new HttpClient(new SocketsHttpHandler { ResponseDrainTimeout = TimeSpan.Zero }) { BaseAddress = Http.BaseAddress })
        {
            leaving.DefaultRequestHeaders.Authorization = Http.DefaultRequestHeaders.Authorization;
            using var response = await StreamAsync("Count slowly", leaving);
            await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
            await StreamedText.ReadUntilAsync(body, "word2");
        }

        await Upstream.StreamAbandoned.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var record = await RecordAsync();
        Assert.True((bool)record["client_cancelled"]!);
        Assert.True((bool)record["usage_estimated"]!);
        Assert.InRange((int)record["completion_tokens"]!, 1, 40);
        Assert.Equal(499, (int)record["status"]!);
    }

    [Fact]
    public async Task Should_end_a_stream_the_upstream_cut_with_an_error_event_not_a_silent_end()
    {
        var cut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.Script("up-1", Reply.CutStream(chunksBeforeCut: 2, cut.Task));

        // The upstream cuts once its two words have reached the client.
        using var response = await StreamAsync("Say hello");
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var text = await StreamedText.ReadUntilAsync(body, "word1");
        cut.SetResult();
        using var rest = new StreamReader(body);
        text += await rest.ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.Contains("word0", text, StringComparison.Ordinal);
        Assert.Contains("upstream_stream_interrupted", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        Assert.Equal(502, (int)(await RecordAsync())["status"]!);
    }

    private Task<HttpResponseMessage> StreamAsync(string prompt, HttpClient? client = null) => (client ?? Http).SendAsync(
        new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "fake:gpt-4o-mini", stream = true, messages = new[] { new { role = "user", content = prompt } } }),
        },
        HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

    /// <summary>The request's record, which the handler writes after the response ends.</summary>
    private async Task<JsonObject> RecordAsync() =>
        await LastUsageRecordAsync() ?? throw FailException.ForFailure("no inference record was written");
}

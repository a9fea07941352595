using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Features.Inference;

public sealed class ChatCompletionsTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    private ChatClient Sdk(string model = "fake:gpt-4o-mini") =>
        new(model, new ApiKeyCredential(Secret), new OpenAIClientOptions { Endpoint = new Uri(Server.Client.BaseAddress!, "/v1") });

    [Fact]
    public async Task Should_answer_the_official_openai_sdk_through_an_upstream_key_with_the_upstream_model_name()
    {
        ChatCompletion completion = await Sdk().CompleteChatAsync([new UserChatMessage("Say hello")], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hello from the fake upstream", completion.Content[0].Text);
        Assert.Equal(12, completion.Usage.InputTokenCount);
        Assert.Equal(7, completion.Usage.OutputTokenCount);
        var received = Assert.Single(Upstream.Requests);
        Assert.Equal("gpt-4o-mini", (string?)received.Body["model"]);
        Assert.StartsWith("up-", received.Key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_stream_to_the_official_openai_sdk()
    {
        var text = await SdkStreams.TextAsync(Sdk(), "Say hello");

        Assert.Equal("Hello from the fake upstream", text);
    }

    [Fact]
    public async Task Should_pass_unknown_fields_through_and_relay_a_stream_byte_for_byte()
    {
        var response = await ChatAsync(stream: true, includeUsage: true);
        var received = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Assert.Single(Upstream.StreamedBytes), received);
        Assert.Equal("me", (string?)Assert.Single(Upstream.Requests).Body["x_vendor_extension"]!["keep"]);
    }

    [Fact]
    public async Task Should_ask_the_upstream_for_stream_usage_and_hold_that_chunk_back_when_the_client_did_not_ask()
    {
        var response = await ChatAsync(stream: true, includeUsage: false);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True((bool)Assert.Single(Upstream.Requests).Body["stream_options"]!["include_usage"]!);
        Assert.DoesNotContain("\"usage\"", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        var record = await LastRecordAsync();
        Assert.Equal(5, (int)record["completion_tokens"]!);
        Assert.False((bool)record["usage_estimated"]!);
    }

    [Fact]
    public async Task Should_record_each_request_with_caller_provider_upstream_key_tokens_and_attempts()
    {
        Upstream.Script("up-1", Fakes.FakeOpenAIUpstream.Reply.RateLimited(30));

        var response = await ChatAsync();
        var record = await LastRecordAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(OrgId, (string?)record["org_id"]);
        Assert.Equal("fake", (string?)record["provider"]);
        Assert.Equal("gpt-4o-mini", (string?)record["model"]);
        Assert.Equal("fake:gpt-4o-mini", (string?)record["requested_model"]);
        Assert.Equal(12, (int)record["prompt_tokens"]!);
        Assert.Equal(7, (int)record["completion_tokens"]!);
        Assert.Equal(3, (int)record["cached_tokens"]!);
        var attempts = record["attempts"]!.AsArray();
        Assert.Equal(["rate_limited", "ok"], attempts.Select(a => (string)a!["outcome"]!));
        Assert.StartsWith("pk_", (string?)record["upstream_key_id"], StringComparison.Ordinal);
        Assert.DoesNotContain("up-", record.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_unknown_and_disallowed_models_and_malformed_requests_in_the_openai_shape()
    {
        var (_, restricted) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "mini only", allowed_models = new[] { "*:gpt-4o-mini" } });
        using var limited = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        limited.DefaultRequestHeaders.Authorization = new("Bearer", restricted);

        var unknown = await ChatAsync("fake:gpt-9");
        var bare = await ChatAsync("no-such-model");
        var denied = await limited.PostAsync("/v1/chat/completions", Json("""{"model":"fake:gpt-4o","messages":[{"role":"user","content":"hi"}]}"""), TestContext.Current.CancellationToken);
        var malformed = await Http.PostAsync("/v1/chat/completions", Json("""{"model": "fake:gpt-4o-mini", "messages": """), TestContext.Current.CancellationToken);
        var noMessages = await Http.PostAsync("/v1/chat/completions", Json("""{"model": "fake:gpt-4o-mini"}"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bare.StatusCode);
        Assert.Equal("model_not_found", (string?)(await ErrorAsync(bare))["code"]);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("model_not_allowed", (string?)(await ErrorAsync(denied))["code"]);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("invalid_request_error", (string?)(await ErrorAsync(malformed))["type"]);
        var missing = await ErrorAsync(noMessages);
        Assert.Equal(("messages is required (a non-empty array)", "messages"), ((string?)missing["message"], (string?)missing["param"]));
        Assert.Equal(["gpt-9"], Upstream.Requests.Select(r => (string)r.Body["model"]!));
    }

    [Fact]
    public async Task Should_enforce_the_virtual_keys_requests_per_minute_with_retry_after()
    {
        var (_, limitedSecret) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "two a minute", rpm_limit = 2 });
        using var limited = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        limited.DefaultRequestHeaders.Authorization = new("Bearer", limitedSecret);
        var request = """{"model":"fake:gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""";

        var first = await limited.PostAsync("/v1/chat/completions", Json(request), TestContext.Current.CancellationToken);
        var second = await limited.PostAsync("/v1/chat/completions", Json(request), TestContext.Current.CancellationToken);
        var third = await limited.PostAsync("/v1/chat/completions", Json(request), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("rate_limit_exceeded", (string?)(await ErrorAsync(third))["code"]);
        Assert.InRange(int.Parse(third.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 55, 60);
        Assert.Equal(2, Upstream.Requests.Count);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync()).StatusCode);
    }

    [Fact]
    public async Task Should_list_the_models_a_key_may_use()
    {
        var (_, restricted) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "backup only", allowed_models = new[] { "backup:*" } });
        using var limited = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        limited.DefaultRequestHeaders.Authorization = new("Bearer", restricted);

        var all = JsonNode.Parse(await Http.GetStringAsync("/v1/models", TestContext.Current.CancellationToken))!;
        var some = JsonNode.Parse(await limited.GetStringAsync("/v1/models", TestContext.Current.CancellationToken))!;
        var one = await Http.GetAsync("/v1/models/fake:gpt-4o", TestContext.Current.CancellationToken);
        var hidden = await limited.GetAsync("/v1/models/fake:gpt-4o", TestContext.Current.CancellationToken);

        Assert.Equal(["fake:gpt-4o-mini", "fake:gpt-4o", "backup:backup-model"], all["data"]!.AsArray().Select(m => (string)m!["id"]!));
        Assert.Equal(["backup:backup-model"], some["data"]!.AsArray().Select(m => (string)m!["id"]!));
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonObject> ErrorAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.AsObject();

    private async Task<JsonObject> LastRecordAsync() => (await LastUsageRecordAsync())!;
}

using System.Net;
using Anthropic.Models.Messages;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Inference.Anthropic.AnthropicWire;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Inference.Anthropic;

/// <summary>Anthropic clients reaching Anthropic: nothing translated, only the model name replaced.</summary>
public sealed class AnthropicPassthroughTests(PostgresFixture postgres) : ClaudeProviderTestBase(postgres)
{
    [Fact]
    public async Task Should_pass_the_body_through_with_only_the_model_replaced_and_the_clients_version_and_betas_sent_on()
    {
        using var http = WireClient(Server.Client.BaseAddress!, Secret);
        http.DefaultRequestHeaders.Add("anthropic-beta", "interleaved-thinking-2025-05-14");
        const string Body = """{"model":"claude:claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":[{"type":"text","text":"Hi","cache_control":{"type":"ephemeral"}}]}],"top_k":5,"x_future_field":{"keep":"me"}}""";

        var answer = await JsonAsync(await PostAsync(http, "/v1/messages", Body));

        Assert.Equal("Hello from Claude", (string?)answer["content"]![0]!["text"]);
        var received = Assert.Single(ClaudeUpstream.Requests);
        Assert.Equal(Body.Replace("claude:claude-sonnet-4-5", "claude-sonnet-4-5", StringComparison.Ordinal), received.Body.ToJsonString());
        Assert.Equal("2023-06-01", received.Version);
        Assert.Equal("interleaved-thinking-2025-05-14", received.Beta);
        var record = (await LastUsageRecordAsync())!;
        // 21 input tokens plus 4 read from the cache, which Anthropic counts apart.
        Assert.Equal(25, (int)record["prompt_tokens"]!);
        Assert.Equal(4, (int)record["cached_tokens"]!);
        Assert.Equal(9, (int)record["completion_tokens"]!);
    }

    [Fact]
    public async Task Should_relay_anthropics_stream_event_by_event_ping_included_and_read_its_usage()
    {
        using var http = WireClient(Server.Client.BaseAddress!, Secret);
        var events = await EventsAsync(await PostAsync(http, "/v1/messages", """{"model":"claude:claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"""));

        Assert.Equal(
            ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Event));
        Assert.Equal("msg_stream", (string?)events[0].Data["message"]!["id"]);
        var record = (await LastUsageRecordAsync())!;
        Assert.Equal(21, (int)record["prompt_tokens"]!);
        Assert.Equal(3, (int)record["completion_tokens"]!);
        Assert.False((bool)record["usage_estimated"]!);
        Assert.Equal("/v1/messages", (string?)record["endpoint"]);
    }

    [Fact]
    public async Task Should_count_tokens_exactly_with_anthropics_count_tokens()
    {
        var count = await AnthropicSdk(Server.Client.BaseAddress!, Secret).Messages.CountTokens(new MessageCountTokensParams
        {
            Model = "claude:claude-sonnet-4-5", Messages = [new UserMessageParam { Content = "Hi" }],
        }, TestContext.Current.CancellationToken);

        Assert.Equal(42, count.InputTokens);
        var received = Assert.Single(ClaudeUpstream.Requests);
        Assert.Equal("/v1/messages/count_tokens", received.Path);
        Assert.Equal("claude-sonnet-4-5", (string?)received.Body["model"]);
        Assert.Null(await LastUsageRecordAsync());
    }

    [Fact]
    public async Task Should_rotate_past_an_overloaded_key_and_pass_a_request_error_through_as_anthropic_wrote_it()
    {
        const string Overloaded = """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""";
        const string TooLong = """{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}""";
        ClaudeUpstream.Refuse("sk-ant-first", 529, Overloaded);
        ClaudeUpstream.Refuse("sk-ant-first", 529, Overloaded);
        using var http = WireClient(Server.Client.BaseAddress!, Secret);

        var rotated = await PostAsync(http, "/v1/messages", """{"model":"claude:claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"Hi"}]}""");
        ClaudeUpstream.Refuse("sk-ant-second", 400, TooLong);
        var refused = await PostAsync(http, "/v1/messages", """{"model":"claude:claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(["sk-ant-first", "sk-ant-first", "sk-ant-second"], ClaudeUpstream.Requests.Take(3).Select(r => r.Key));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(TooLong, await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}

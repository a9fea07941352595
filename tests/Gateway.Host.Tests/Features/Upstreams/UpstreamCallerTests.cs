using System.Net;
using System.Text.Json.Nodes;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;
using Gateway.Host.Features.Upstreams;
using Gateway.Host.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Host.Tests.Features.Upstreams;

/// <summary>The call, without Kestrel: key rotation, same-key retry, fallback and exhaustion over a scripted network.</summary>
public sealed class UpstreamCallerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T12:00:00Z");
    private static readonly RouteTarget First = new("first", "model");
    private static readonly RouteTarget Second = new("second", "model");

    private readonly FakeTimeProvider _time = new(Now);

    /// <summary>What the caller hands on to the other instances.</summary>
    private PoolVerdictQueue Verdicts { get; } = new(NullLogger<PoolVerdictQueue>.Instance);

    /// <summary>Two OpenAI-compatible providers: "first" with keys a and b, tried in that order, and "second" with key c.</summary>
    private readonly ProviderRegistry _registry = ProviderRegistry.FromConfiguration(
        new ConfigurationBuilder().AddInMemoryCollection(ConfigFile.Parse("""
            providers:
              - name: first
                type: openai
                base_url: http://first.test/v1
                strategy: sequential
                models: [model]
                keys: [{ key: key-a, label: a }, { key: key-b, label: b }]
              - name: second
                type: openai
                base_url: http://second.test/v1
                models: [model]
                keys: [{ key: key-c, label: c }]
            """, "gateway.yaml", new Dictionary<string, string?>())).Build(),
        new KeySecrets(new byte[32], "gwa_test"));

    private async Task<CallResult> CallAsync(ScriptedHandler network, params RouteTarget[] targets)
    {
        using var http = new UpstreamHttp(network);
        return await new UpstreamCaller(http, Verdicts, _time).CallAsync(
            targets, _registry.Providers, (p, t, k) => OpenAIProtocol.Post(p, t, k, "chat/completions", new JsonObject()),
            stickyKey: null, estimatedTokens: 10, stream: false, TestContext.Current.CancellationToken);
    }

    private static IEnumerable<(string Key, string Outcome)> Attempts(CallResult result) => result.Attempts.Select(a => (a.KeyId, a.Outcome));

    private string Id(string secret) => _registry.Providers.Values.SelectMany(p => p.Keys.Values).Single(k => k.Secret == secret).Id;

    private PoolKeyStatus Status(string provider, string secret) => _registry.Providers[provider].Pool.Status(Now).Single(s => s.KeyId == Id(secret));

    [Fact]
    public async Task Should_move_to_another_key_when_one_is_rate_limited_and_cool_the_first_down_for_as_long_as_it_said()
    {
        var network = new ScriptedHandler(ScriptedHandler.Status(HttpStatusCode.TooManyRequests, retryAfter: "30"), ScriptedHandler.Ok());

        var result = await CallAsync(network, First);

        var served = Assert.IsType<CallResult.Served>(result);
        await served.DisposeAsync();
        Assert.Equal(["key-a", "key-b"], network.Keys);
        Assert.Equal([(Id("key-a"), "rate_limited"), (Id("key-b"), "ok")], Attempts(result));
        Assert.Equal(Now.AddSeconds(30), Status("first", "key-a").Quotas["model"].CooldownUntil);
    }

    [Fact]
    public async Task Should_hand_on_to_the_other_instances_what_a_rate_limit_taught_and_nothing_of_a_first_transient_failure()
    {
        var network = new ScriptedHandler(
            ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable), ScriptedHandler.Status(HttpStatusCode.TooManyRequests, retryAfter: "30"), ScriptedHandler.Ok());

        await Assert.IsType<CallResult.Served>(await CallAsync(network, First)).DisposeAsync();

        Assert.True(Verdicts.Reader.TryRead(out var learned));
        Assert.Equal(new LearnedVerdict("first", new PoolVerdict(Id("key-a"), "key:" + Id("key-a"), "model", PoolVerdictKind.CooledDown, Now.AddSeconds(30), "rate limited: no")), learned);
        Assert.False(Verdicts.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Should_try_the_same_key_once_more_after_a_first_transient_failure()
    {
        var network = new ScriptedHandler(ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable), ScriptedHandler.Ok());

        var result = await CallAsync(network, First);

        await Assert.IsType<CallResult.Served>(result).DisposeAsync();
        Assert.Equal(["key-a", "key-a"], network.Keys);
        Assert.Equal([(Id("key-a"), "transient"), (Id("key-a"), "ok")], Attempts(result));
    }

    [Fact]
    public async Task Should_move_on_after_a_second_transient_failure_on_the_same_key()
    {
        var network = new ScriptedHandler(
            ScriptedHandler.Status(HttpStatusCode.BadGateway), ScriptedHandler.Status(HttpStatusCode.BadGateway), ScriptedHandler.Ok());

        var result = await CallAsync(network, First);

        await Assert.IsType<CallResult.Served>(result).DisposeAsync();
        Assert.Equal(["key-a", "key-a", "key-b"], network.Keys);
    }

    [Fact]
    public async Task Should_fall_back_to_the_next_target_when_every_key_of_the_first_is_out()
    {
        var network = new ScriptedHandler(
            ScriptedHandler.Status(HttpStatusCode.TooManyRequests, retryAfter: "30"), ScriptedHandler.Status(HttpStatusCode.TooManyRequests, retryAfter: "30"),
            ScriptedHandler.Ok());

        var result = await CallAsync(network, First, Second);

        var served = Assert.IsType<CallResult.Served>(result);
        await served.DisposeAsync();
        Assert.Equal((Second, "c"), (served.Target, served.Key.Label));
        Assert.Equal(["key-a", "key-b", "key-c"], network.Keys);
    }

    [Fact]
    public async Task Should_be_exhausted_when_every_key_is_out_and_say_when_the_first_one_frees_up()
    {
        var network = new ScriptedHandler(
            ScriptedHandler.Status(HttpStatusCode.TooManyRequests, retryAfter: "30"), ScriptedHandler.Status(HttpStatusCode.TooManyRequests, retryAfter: "10"));

        var result = await CallAsync(network, First);

        var exhausted = Assert.IsType<CallResult.Exhausted>(result);
        Assert.Equal(Now.AddSeconds(10), exhausted.RetryAt);
        Assert.Contains("first:model", exhausted.Reason, StringComparison.Ordinal);
        Assert.Equal(2, exhausted.Attempts.Count);
    }

    [Fact]
    public async Task Should_answer_an_error_of_the_request_itself_at_once_without_holding_it_against_the_key()
    {
        const string tooLong = """{"error":{"message":"This model's maximum context length is 8192 tokens","type":"invalid_request_error"}}""";
        var network = new ScriptedHandler(ScriptedHandler.Status(HttpStatusCode.BadRequest, tooLong));

        var result = await CallAsync(network, First, Second);

        var failed = Assert.IsType<CallResult.Failed>(result);
        Assert.Equal((400, tooLong, First), (failed.Status, System.Text.Encoding.UTF8.GetString(failed.Body), failed.Target));
        Assert.Equal([(Id("key-a"), "context_length")], Attempts(result));
        Assert.Equal(["key-a"], network.Keys);
        var key = Status("first", "key-a");
        Assert.Null(key.DisabledReason);
        Assert.All(key.Quotas.Values, q => Assert.Null(q.CooldownUntil));
    }

    [Fact]
    public async Task Should_disable_a_key_the_upstream_rejects_and_serve_with_the_next()
    {
        var network = new ScriptedHandler(ScriptedHandler.Status(HttpStatusCode.Unauthorized, """{"error":{"message":"invalid api key"}}"""), ScriptedHandler.Ok());

        var result = await CallAsync(network, First);

        await Assert.IsType<CallResult.Served>(result).DisposeAsync();
        Assert.Equal(["key-a", "key-b"], network.Keys);
        Assert.Contains("invalid api key", Status("first", "key-a").DisabledReason, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Inference;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Reply = Gateway.Host.Tests.Fakes.FakeOpenAIUpstream.Reply;

namespace Gateway.Host.Tests.Features.Providers;

/// <summary>
/// Several real instances on one database share what their key pools learn: a key one of them saw rate limited,
/// out of daily quota or rejected is benched on all within a second, and stays benched across a restart. The
/// instances share one fake clock, so a cooldown ends when the test says.
/// </summary>
public sealed class PoolStateTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FakeGeminiUpstream _gemini = null!;

    protected override TimeProvider? Clock => _clock;

    private protected override async ValueTask BeforeServerAsync() => _gemini = await FakeGeminiUpstream.StartAsync();

    /// <summary>A Gemini provider beside the base's two: keys of two projects, tried in order.</summary>
    private protected override IEnumerable<KeyValuePair<string, string?>> MoreConfig
    {
        get
        {
            var values = new Dictionary<string, string?>();
            TestProviders.Gemini("gemini", _gemini.BaseUrl).Strategy("sequential").Models("gemini-2.5-flash")
                .Key("AIza-first-project-key-000000001", label: "first", project: "proj-a")
                .Key("AIza-second-project-key-00000002", label: "second", project: "proj-b")
                .Flatten(2, values);
            return values;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _gemini.DisposeAsync();
    }

    [Fact]
    public async Task Should_bench_a_key_rate_limited_on_one_instance_on_the_others_within_a_second()
    {
        await using var b = await StartAsync();
        await using var c = await StartAsync();
        Upstream.Script("up-1", Reply.RateLimited(60));

        Assert.Equal(HttpStatusCode.OK, (await ChatAsync()).StatusCode);
        var learned = Stopwatch.StartNew();
        await UntilAsync(b, "fake", "key 1", "cooling_down");
        await UntilAsync(c, "fake", "key 1", "cooling_down");
        var elapsed = learned.Elapsed;
        using var onB = Client(b);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            statuses.Add((await ChatOnAsync(onB, "fake:gpt-4o-mini")).StatusCode);
        var quota = (await KeysAsync(c, "fake"))["key 1"]["quotas"]!["gpt-4o-mini"]!;

        Assert.True(elapsed < Bound, $"the cooldown reached the other instances after {elapsed}");
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(1, Upstream.KeysUsed.Count(k => k == "up-1"));
        AssertAt(_clock.GetUtcNow().AddSeconds(60), quota["cooldown_until"]);
        Assert.Equal("rate limited: Rate limit reached for requests", (string?)quota["cooldown_reason"]);
    }

    [Fact]
    public async Task Should_answer_429_with_retry_after_on_another_instance_when_the_only_key_is_rate_limited()
    {
        await using var b = await StartAsync();
        Backup.Script("backup-1", Reply.RateLimited(60));

        Assert.Equal(HttpStatusCode.TooManyRequests, (await ChatAsync("backup:backup-model")).StatusCode);
        var learned = Stopwatch.StartNew();
        await UntilAsync(b, "backup", "key 1", "cooling_down");
        var elapsed = learned.Elapsed;
        using var onB = Client(b);
        var refused = await ChatOnAsync(onB, "backup:backup-model");

        Assert.True(elapsed < Bound, $"the cooldown reached the other instance after {elapsed}");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("60", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("all_keys_exhausted", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!["code"]);
        Assert.Single(Backup.Requests);
    }

    [Fact]
    public async Task Should_disable_a_key_rejected_on_one_instance_on_all_until_an_operator_enables_it_on_any()
    {
        await using var b = await StartAsync();
        await using var c = await StartAsync();
        Upstream.Script("up-1", Reply.Status(401, """{"error":{"message":"Incorrect API key provided","code":"invalid_api_key"}}"""));

        Assert.Equal(HttpStatusCode.OK, (await ChatAsync()).StatusCode);
        var learned = Stopwatch.StartNew();
        await UntilAsync(b, "fake", "key 1", "disabled");
        await UntilAsync(c, "fake", "key 1", "disabled");
        var elapsed = learned.Elapsed;
        var onC = (await KeysAsync(c, "fake"))["key 1"];
        using var onB = Client(b);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await ChatOnAsync(onB, "fake:gpt-4o-mini")).StatusCode);
        using var adminOnB = TenancyApi.Admin(b);
        Assert.Equal(HttpStatusCode.NoContent, (await adminOnB.SendAsync(HttpMethod.Post, $"/v1/provider-keys/{(string)onC["id"]!}/enable")).StatusCode);
        await UntilAsync(Server, "fake", "key 1", "active");
        await UntilAsync(c, "fake", "key 1", "active");
        await using var restarted = await StartAsync();

        Assert.True(elapsed < Bound, $"the rejection reached the other instances after {elapsed}");
        Assert.Equal("upstream answered 401: Incorrect API key provided", (string?)onC["disabled_reason"]);
        Assert.Equal(1, Upstream.KeysUsed.Count(k => k == "up-1"));
        Assert.Equal("active", (string?)(await KeysAsync(restarted, "fake"))["key 1"]["state"]);
        Assert.Equal(0L, await Db.ScalarAsync<long>("select count(*) from pool_key_state"));
    }

    [Fact]
    public async Task Should_bench_a_project_whose_daily_quota_one_instance_saw_spent_until_midnight_pacific_on_all()
    {
        await using var b = await StartAsync();
        _gemini.Refuse("AIza-first-project-key-000000001", 429, FakeGeminiUpstream.QuotaExhausted("GenerateRequestsPerDayPerProjectPerModel-FreeTier"));

        Assert.Equal(HttpStatusCode.OK, (await ChatAsync("gemini:gemini-2.5-flash")).StatusCode);
        var learned = Stopwatch.StartNew();
        await UntilAsync(b, "gemini", "first", "cooling_down");
        var elapsed = learned.Elapsed;
        var quota = (await KeysAsync(b, "gemini"))["first"]["quotas"]!["gemini-2.5-flash"]!;
        using var onB = Client(b);
        Assert.Equal(HttpStatusCode.OK, (await ChatOnAsync(onB, "gemini:gemini-2.5-flash")).StatusCode);
        var until = DateTimeOffset.Parse((string)quota["cooldown_until"]!, CultureInfo.InvariantCulture);
        var pacific = TimeZoneInfo.ConvertTime(until, TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles"));
        var midnight = TimeZoneInfo.ConvertTime(_clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles")).Date.AddDays(1);

        Assert.True(elapsed < Bound, $"the spent quota reached the other instance after {elapsed}");
        Assert.Equal(midnight, pacific.DateTime);
        Assert.Contains("PerDay", (string?)quota["cooldown_reason"], StringComparison.Ordinal);
        Assert.Equal(
            ["AIza-first-project-key-000000001", "AIza-second-project-key-00000002", "AIza-second-project-key-00000002"],
            _gemini.Requests.Select(r => r.Key));
    }

    [Fact]
    public async Task Should_keep_a_cooldown_in_force_on_an_instance_started_after_the_one_that_learned_it_stopped()
    {
        var b = await StartAsync();
        Upstream.Script("up-1", Reply.RateLimited(300));
        using (var onB = Client(b))
            Assert.Equal(HttpStatusCode.OK, (await ChatOnAsync(onB, "fake:gpt-4o-mini")).StatusCode);
        await Eventually.Until(() => Db.ScalarAsync<long>("select count(*) from pool_key_state"), n => n == 1, "the cooldown to be stored");
        await b.DisposeAsync();

        await using var restarted = await StartAsync();
        var key = (await KeysAsync(restarted, "fake"))["key 1"];
        using var onRestarted = Client(restarted);
        Assert.Equal(HttpStatusCode.OK, (await ChatOnAsync(onRestarted, "fake:gpt-4o-mini")).StatusCode);

        Assert.Equal("cooling_down", (string?)key["state"]);
        AssertAt(_clock.GetUtcNow().AddSeconds(300), key["quotas"]!["gpt-4o-mini"]!["cooldown_until"]);
        Assert.Equal(["up-1", "up-2", "up-2"], Upstream.KeysUsed);
    }

    [Fact]
    public async Task Should_not_apply_a_cooldown_that_ended_and_delete_it_with_the_next_write()
    {
        Upstream.Script("up-1", Reply.RateLimited(30));
        Upstream.Script("up-2", Reply.RateLimited(300));
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync()).StatusCode);
        await Eventually.Until(() => Db.ScalarAsync<long>("select count(*) from pool_key_state"), n => n == 2, "both cooldowns to be stored");

        _clock.Advance(TimeSpan.FromSeconds(60));
        await using var restarted = await StartAsync();
        var keys = await KeysAsync(restarted, "fake");
        Upstream.Script("up-1", Reply.Status(401, """{"error":{"message":"Incorrect API key provided"}}"""));
        using var onRestarted = Client(restarted);
        Assert.Equal(HttpStatusCode.OK, (await ChatOnAsync(onRestarted, "fake:gpt-4o-mini")).StatusCode);

        Assert.Equal("active", (string?)keys["key 1"]["state"]);
        Assert.Equal("cooling_down", (string?)keys["key 2"]["state"]);
        await Eventually.Until(
            () => Db.ScalarAsync<string>("select string_agg(kind, ',' order by kind) from pool_key_state"), kinds => kinds == "cooled_down,disabled",
            "the ended cooldown to be deleted as the rejection is stored");
    }

    /// <summary>Another instance, asked for a provider's status once: a fresh instance's first answer compiles its endpoints, which is no part of what is timed.</summary>
    private async Task<GatewayServer> StartAsync()
    {
        var server = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, Config, time: _clock);
        await KeysAsync(server, "fake");
        return server;
    }

    /// <summary>A time as the table keeps it, to the microsecond.</summary>
    private static void AssertAt(DateTimeOffset expected, JsonNode? actual) =>
        Assert.Equal(expected, DateTimeOffset.Parse((string)actual!, CultureInfo.InvariantCulture), TimeSpan.FromTicks(10));

    private HttpClient Client(GatewayServer server)
    {
        var http = new HttpClient { BaseAddress = server.Client.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
        return http;
    }

    private static Task<HttpResponseMessage> ChatOnAsync(HttpClient http, string model) =>
        http.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "Say hello" } } }, TestContext.Current.CancellationToken);

    /// <summary>The provider's keys by label, as the server's status endpoint shows them.</summary>
    private static async Task<Dictionary<string, JsonNode>> KeysAsync(GatewayServer server, string provider)
    {
        using var admin = TenancyApi.Admin(server);
        return (await admin.OkAsync(HttpMethod.Get, $"/v1/providers/{provider}"))["keys"]!.AsArray().ToDictionary(k => (string)k!["label"]!, k => k!);
    }

    private static Task<string?> UntilAsync(GatewayServer server, string provider, string label, string state) =>
        Eventually.Until(
            async () => (string?)(await KeysAsync(server, provider))[label]["state"], s => s == state, $"{provider}'s {label} to be {state}", TimeSpan.FromSeconds(10));
}

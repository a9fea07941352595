using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Upstreams;

/// <summary>
/// Three real instances on one database count a key's limits (and a virtual key's) together: however the load
/// spreads, the upstream key gets no more than its requests per minute and per day, and an instance that comes
/// late still gets what the others leased and did not use.
/// </summary>
public sealed class SharedPoolLimitsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly List<GatewayServer> _servers = [];
    private readonly List<HttpClient> _clients = [];
    private FakeOpenAIUpstream _upstream = null!;
    private TestDatabase _db = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeOpenAIUpstream.StartAsync();
        _db = await postgres.NewDatabaseAsync(GetType().Name);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        foreach (var server in _servers)
            await server.DisposeAsync();
        await _db.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Should_send_a_key_with_10_requests_a_minute_at_most_10_from_three_instances_under_concurrent_load()
    {
        await StartAsync(3, TestProviders.OpenAI("fake", _upstream.BaseUrl).Models("gpt-4o-mini").Key("up-1", rpm: 10));

        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => ChatAsync(_clients[i % 3])));

        Assert.InRange(_upstream.Requests.Count, 1, 10);
        Assert.Equal(_upstream.Requests.Count, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, a.Status);
            Assert.InRange(a.RetryAfter ?? 0, 1, 66);
        });
    }

    [Fact]
    public async Task Should_send_a_key_with_100_requests_a_day_at_most_100_from_three_instances_under_concurrent_load()
    {
        await StartAsync(3, TestProviders.OpenAI("fake", _upstream.BaseUrl).Models("gpt-4o-mini").Key("up-1", rpd: 100).Key("up-2", rpd: 20));

        var answers = await Task.WhenAll(Enumerable.Range(0, 240).Select(i => ChatAsync(_clients[i % 3])));

        Assert.InRange(_upstream.KeysUsed.Count(k => k == "up-1"), 1, 100);
        Assert.InRange(_upstream.KeysUsed.Count(k => k == "up-2"), 1, 20);
        Assert.Equal(_upstream.Requests.Count, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.Status));
    }

    [Fact]
    public async Task Should_give_an_instance_that_comes_late_what_the_busy_ones_leased_and_did_not_use()
    {
        await StartAsync(3, TestProviders.OpenAI("fake", _upstream.BaseUrl).Models("gpt-4o-mini").Key("up-1", rpm: 10));

        var first = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            first.Add((await ChatAsync(_clients[0])).Status);
        var second = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ChatAsync(_clients[1])));
        var third = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            third.Add((await ChatAsync(_clients[2])).Status);
        var over = await ChatAsync(_clients[Random.Shared.Next(3)]);

        Assert.All(first.Concat(second.Select(a => a.Status)).Concat(third), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, over.Status);
        Assert.Equal(10, _upstream.Requests.Count);
    }

    [Fact]
    public async Task Should_keep_counting_what_an_instance_sent_after_it_stopped_and_a_new_one_took_its_place()
    {
        var provider = TestProviders.OpenAI("fake", _upstream.BaseUrl).Models("gpt-4o-mini").Key("up-1", rpm: 5);
        await StartAsync(1, provider);
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await ChatAsync(_clients[0])).Status);
        await _servers[0].DisposeAsync();
        _servers.RemoveAt(0);
        _clients[0].Dispose();
        _clients.RemoveAt(0);

        await StartAsync(1, provider);
        var after = await ChatAsync(_clients[0]);

        Assert.Equal(HttpStatusCode.TooManyRequests, after.Status);
        Assert.Contains("across instances", after.Body, StringComparison.Ordinal);
        Assert.Equal(5, _upstream.Requests.Count);
    }

    [Fact]
    public async Task Should_hold_a_virtual_key_to_its_requests_per_minute_across_three_instances()
    {
        await StartAsync(3, TestProviders.OpenAI("fake", _upstream.BaseUrl).Models("gpt-4o-mini").Keys("up-1"), rpmLimit: 10);

        var answers = await Task.WhenAll(Enumerable.Range(0, 45).Select(i => ChatAsync(_clients[i % 3])));

        Assert.InRange(answers.Count(a => a.Status == HttpStatusCode.OK), 1, 10);
        Assert.Equal(_upstream.Requests.Count, answers.Count(a => a.Status == HttpStatusCode.OK));
        var refused = answers.Where(a => a.Status != HttpStatusCode.OK).ToList();
        Assert.All(refused, a => Assert.Equal(HttpStatusCode.TooManyRequests, a.Status));
        Assert.Contains(refused, a => a.Body.Contains("10 requests per minute", StringComparison.Ordinal));
    }

    private async Task StartAsync(int instances, ProviderFixture provider, int? rpmLimit = null)
    {
        var config = new GatewayConfig(provider).Flatten();
        for (var i = 0; i < instances; i++)
            _servers.Add(await GatewayServer.StartAsync(_db.ConnectionString, _db.Schema, config));
        using var admin = TenancyApi.Admin(_servers[0]);
        var org = await admin.CreateOrganizationAsync();
        var (_, secret) = rpmLimit is { } limit
            ? await admin.IssueKeyAsync(new { org_id = org, name = "shared", rpm_limit = limit })
            : await admin.IssueKeyAsync(new { org_id = org, name = "shared" });
        foreach (var server in _servers)
        {
            var client = new HttpClient { BaseAddress = server.Client.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            _clients.Add(client);
            using var me = new TenancyApi(server.Client.BaseAddress!, secret);
            await Eventually.Until(async () => (await me.MeAsync()).Status, s => s == HttpStatusCode.OK, "the key to reach every instance");
        }
    }

    private static async Task<(HttpStatusCode Status, int? RetryAfter, string Body)> ChatAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "fake:gpt-4o-mini",
            messages = new[] { new { role = "user", content = "Say hello" } },
        }, TestContext.Current.CancellationToken);
        var retryAfter = response.Headers.TryGetValues("Retry-After", out var values) ? int.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        return (response.StatusCode, retryAfter, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}

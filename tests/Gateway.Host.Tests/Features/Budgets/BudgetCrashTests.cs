using System.Net;
using System.Text;
using Gateway.Host.Persistence.Postgres;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Budgets;

/// <summary>
/// The real gateway process killed (SIGKILL) with budget holds outstanding: after a restart its
/// orphaned headroom expires, the usage it had journaled is stored once, and the budget then admits
/// exactly what is left.
/// </summary>
public sealed class BudgetCrashTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string AdminToken = "gwa_crash-test-admin-token";
    private const string Request = """{"model":"fake:gpt-4o-mini","max_tokens":7,"messages":[{"role":"user","content":"hi"}]}""";
    private const string StreamRequest = """{"model":"fake:gpt-4o-mini","max_tokens":7,"stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    private readonly string _work = GatewayProcess.TraversableTempDirectory("gateway-crash-");
    private FakeOpenAIUpstream _upstream = null!;
    private TestDatabase _db = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeOpenAIUpstream.StartAsync();
        _db = await postgres.NewDatabaseAsync(nameof(BudgetCrashTests));
        await File.WriteAllTextAsync(Path.Combine(_work, "gateway.yaml"), $"""
            providers:
              - name: fake
                type: openai
                base_url: {_upstream.BaseUrl}
                models: [gpt-4o-mini]
                keys:
                  - key: up-1
            """);
    }

    [Fact]
    public async Task Should_expire_a_killed_instances_holds_store_its_journal_once_and_then_admit_exactly_what_is_left()
    {
        var ct = TestContext.Current.CancellationToken;
        var (first, url) = await StartAsync();
        using var admin = new TenancyApi(url, AdminToken);
        var org = await admin.CreateOrganizationAsync();
        var (_, secret) = await admin.IssueKeyAsync(new { org_id = org, name = "crash" });
        await admin.OkAsync(HttpMethod.Post, "/v1/pricing", new { model = "fake:gpt-4o-mini", input_per_million = 0, output_per_million = 1_000_000, cached_input_per_million = 0 },
            HttpStatusCode.Created);
        var budget = (string)(await admin.OkAsync(HttpMethod.Post, "/v1/budgets", new { name = "team", org_id = org, limit_usd = 70, period = "month" }, HttpStatusCode.Created))["id"]!;
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", secret);

        var completed = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            completed.Add((await client.PostAsync("/v1/chat/completions", new StringContent(Request, Encoding.UTF8, "application/json"), ct)).StatusCode);
        // Four streams the upstream holds open: their holds are outstanding when the process dies.
        _upstream.Script("up-1", [.. Enumerable.Range(0, 4).Select(_ => FakeOpenAIUpstream.Reply.HeldStream(chunks: 2))]);
        var inFlight = Enumerable.Range(0, 4).Select(_ => client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(StreamRequest, Encoding.UTF8, "application/json") },
            HttpCompletionOption.ResponseHeadersRead, ct)).ToList();
        await Eventually.Until(() => _upstream.Requests.Count, n => n == 7, "the upstream to receive the 3 requests and the 4 streams", TimeSpan.FromSeconds(20));
        var leasedAtCrash = await _db.ScalarAsync<decimal>("select coalesce(sum(usd), 0) from budget_leases where expires_at > now()");
        await first.DisposeAsync();
        await Task.WhenAll(inFlight.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        var (second, _) = await StartAsync(url.Port);
        await using (second)
        {
            await Eventually.Until(() => _db.ScalarAsync<long>("select count(*) from usage_records"), n => n == 3, "the journaled usage of the 3 requests stored", TimeSpan.FromSeconds(20));
            // The killed instance's lease stops counting when it expires (30 s after its last renewal).
            await Eventually.Until(
                async () => (decimal)(await admin.OkAsync(HttpMethod.Get, $"/v1/budgets/{budget}"))["reserved_usd"]!, reserved => reserved == 0m,
                "the killed instance's holds to expire (reserved_usd 0)", TimeSpan.FromSeconds(60));
            var after = new List<HttpStatusCode>();
            while (after.Count < 12 && (after.Count == 0 || after[^1] == HttpStatusCode.OK))
                after.Add((await client.PostAsync("/v1/chat/completions", new StringContent(Request, Encoding.UTF8, "application/json"), ct)).StatusCode);
            await Eventually.Until(() => _db.ScalarAsync<long>("select count(*) from usage_records"), n => n == 10, "the usage of all 10 served requests stored", TimeSpan.FromSeconds(20));

            Assert.All(completed, s => Assert.Equal(HttpStatusCode.OK, s));
            Assert.True(leasedAtCrash >= 28m, $"the four streams held $28 between them, but only ${leasedAtCrash} was leased");
            Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 7), HttpStatusCode.PaymentRequired], after);
            Assert.Equal(70m, await _db.ScalarAsync<decimal>("select spent_usd from budget_periods"));
            Assert.Equal(10L, await _db.ScalarAsync<long>("select count(distinct id) from usage_records where status = 200"));
        }
    }

    private async Task<(GatewayProcess Process, Uri Url)> StartAsync(int? port = null)
    {
        port ??= LocalPostgresCluster.FreeLoopbackPort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var process = GatewayProcess.Start(_work, new Dictionary<string, string>
        {
            ["GATEWAY_ADMIN_TOKEN"] = AdminToken,
            ["GATEWAY_MASTER_KEY"] = Convert.ToBase64String(GatewayServer.MasterKey),
        }, "serve", "--urls", url.ToString().TrimEnd('/'), "--config", Path.Combine(_work, "gateway.yaml"), "--data-dir", Path.Combine(_work, "data"),
            "--database-url", _db.ConnectionString, "--database-schema", _db.Schema, "--no-migrate");
        using var probe = new HttpClient { BaseAddress = url };
        await process.WaitUntilReadyAsync(probe, TimeSpan.FromSeconds(60));
        return (process, url);
    }

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        await _upstream.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }
}

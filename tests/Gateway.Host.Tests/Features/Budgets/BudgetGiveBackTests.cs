using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Budgets;

/// <summary>
/// Leases never starve an instance: several instances on one database and a $100 budget, requests that cost $5 and
/// hold $36 at worst. An instance short of headroom has the others give back what they do not use, so every instance
/// admits requests until less than one hold is unspent, and the spend never passes the limit. A 402 counts what is held
/// for requests in flight as taken and says so; once nothing is in flight, it comes only when less than a hold is unspent.
/// </summary>
public sealed partial class BudgetGiveBackTests(PostgresFixture postgres) : BudgetTestBase(postgres)
{
    private const decimal Limit = 100m;
    private const decimal Hold = 36m;
    private const decimal Cost = 5m;

    // $1 a completion token: max_tokens 36 holds $36, and the 5 completion tokens the upstream reports cost $5.
    private const string FiveDollarRequest = """{"model":"fake:gpt-4o-mini","max_tokens":36,"messages":[{"role":"user","content":"hi"}]}""";

    /// <summary>The most requests one worker sends before the test gives up on the budget running out.</summary>
    private const int MostPerWorker = 500;

    private sealed record Answer(int Instance, HttpStatusCode Status, string Text, TimeSpan? RetryAfter);

    [GeneratedRegex(@"of which \$(?<spent>[\d.]+) is spent and \$(?<held>[\d.]+) held for requests in flight")]
    private static partial Regex InFlight();

    [Fact]
    public async Task Should_admit_on_each_of_two_instances_in_turn_until_less_than_one_hold_is_unspent()
    {
        await PricedBudgetAsync();
        await using var second = await StartAsync();
        using var onSecond = ClientOf(second, Secret);

        var answers = new List<Answer>();
        while (answers.Count < 40 && (answers.Count == 0 || answers[^1].Status == HttpStatusCode.OK))
            answers.Add(await AskAsync(answers.Count % 2 == 0 ? Http : onSecond, answers.Count % 2));
        await Server.FlushUsageAsync();
        await second.FlushUsageAsync();

        // $65 spent leaves $35, less than a $36 hold: the 14th is the first with no room.
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 13), HttpStatusCode.PaymentRequired], answers.Select(a => a.Status));
        Assert.Equal(65m, await Db.ScalarAsync<decimal>("select spent_usd from budget_periods"));
        var error = JsonNode.Parse(answers[^1].Text)!["error"]!;
        Assert.Equal("budget_exceeded", (string?)error["code"]);
        Assert.Matches(@"^budget 'team' \(bdg_\w+\) has no room for this request \(limit \$100\.00\); it resets at ", (string?)error["message"]);
    }

    [Fact]
    public async Task Should_admit_on_both_of_two_instances_under_concurrent_load_until_less_than_one_hold_is_unspent()
    {
        await PricedBudgetAsync();
        await using var second = await StartAsync();

        await AssertFairUnderLoadAsync([Server, second], workersEach: 4);
    }

    [Fact]
    public async Task Should_admit_on_all_three_instances_under_concurrent_load_until_less_than_one_hold_is_unspent()
    {
        await PricedBudgetAsync();
        await using var second = await StartAsync();
        await using var third = await StartAsync();

        await AssertFairUnderLoadAsync([Server, second, third], workersEach: 3);
    }

    /// <summary>
    /// Workers on every instance each ask again at once after any refusal, as the clients of the starved instance did,
    /// until a 402 says the budget is spent with nothing held for requests in flight. Each instance first serves a
    /// request of another organisation, so that none is still starting up (its code not yet compiled) while the others
    /// spend the budget, then one of the budget's in turn: each after the first finds the headroom leased by those
    /// before it, as the starved instance did.
    /// </summary>
    private async Task AssertFairUnderLoadAsync(IReadOnlyList<GatewayServer> servers, int workersEach)
    {
        var (_, unbudgeted) = await Admin.IssueKeyAsync(new { org_id = await Admin.CreateOrganizationAsync(), name = "warm-up" });
        foreach (var server in servers)
        {
            using var warm = ClientOf(server, unbudgeted);
            Assert.Equal(HttpStatusCode.OK, (await AskAsync(warm, 0)).Status);
        }

        var warmUps = Upstream.Requests.Count;
        var clients = servers.Select(s => s == Server ? Http : ClientOf(s, Secret)).ToList();
        try
        {
            var inTurn = new List<Answer>();
            foreach (var (http, instance) in clients.Select((c, i) => (c, i)))
                inTurn.Add(await AskAsync(http, instance));
            var workers = await Task.WhenAll(clients.SelectMany((http, instance) => Enumerable.Range(0, workersEach).Select(_ => WorkAsync(http, instance))));
            workers = [inTurn, .. workers];
            foreach (var server in servers)
                await server.FlushUsageAsync();

            var answers = workers.SelectMany(w => w).ToList();
            var admitted = answers.Count(a => a.Status == HttpStatusCode.OK);
            var spent = await Db.ScalarAsync<decimal>("select spent_usd from budget_periods");
            Assert.All(inTurn, a => Assert.Equal(HttpStatusCode.OK, a.Status));
            Assert.All(workers.Skip(1), w => Assert.True(SpentOut(w[^1]), $"a worker's last answer was not a 402 with nothing in flight: {w[^1]}"));
            Assert.All(answers, a => Assert.Contains(a.Status, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired, HttpStatusCode.TooManyRequests }));
            var tally = string.Join("; ", answers.GroupBy(a => (a.Instance, a.Status)).OrderBy(g => g.Key).Select(g => $"instance {g.Key.Instance}: {g.Count()} x {(int)g.Key.Status}"));
            Assert.All(Enumerable.Range(0, servers.Count), i => Assert.True(answers.Any(a => a.Instance == i && a.Status == HttpStatusCode.OK), $"instance {i} admitted nothing ({tally})"));
            Assert.Equal(Cost * admitted, spent);
            Assert.InRange(spent, Limit - Hold + 1m, Limit);
            Assert.Equal(admitted, Upstream.Requests.Count - warmUps);
            Assert.All(answers.Where(a => a.Status == HttpStatusCode.TooManyRequests), a =>
            {
                Assert.Equal("budget_headroom_held", (string?)JsonNode.Parse(a.Text)!["error"]!["code"]);
                Assert.Equal(TimeSpan.FromSeconds(1), a.RetryAfter);
            });
            // A 402 counts holds in flight as taken, and says how much they take: never more than was in the end spent.
            Assert.All(answers.Where(a => a.Status == HttpStatusCode.PaymentRequired), a =>
            {
                var error = JsonNode.Parse(a.Text)!["error"]!;
                Assert.Equal("budget_exceeded", (string?)error["code"]);
                if (InFlight().Match((string)error["message"]!) is { Success: true } held)
                {
                    var (spentThen, heldThen) = (decimal.Parse(held.Groups["spent"].Value, CultureInfo.InvariantCulture), decimal.Parse(held.Groups["held"].Value, CultureInfo.InvariantCulture));
                    Assert.InRange(spentThen, 0m, spent);
                    Assert.True(spentThen + heldThen + Hold > Limit, $"refused with ${spentThen} spent and ${heldThen} held, which leaves room for a ${Hold} hold");
                }
            });
        }
        finally
        {
            foreach (var client in clients.Where(c => c != Http))
                client.Dispose();
        }
    }

    private static async Task<List<Answer>> WorkAsync(HttpClient http, int instance)
    {
        var answers = new List<Answer>();
        while (answers.Count < MostPerWorker && (answers.Count == 0 || !SpentOut(answers[^1])))
            answers.Add(await AskAsync(http, instance));
        return answers;
    }

    /// <summary>A 402 that counts no hold in flight: spend alone leaves less than the request needs, and no retry can help.</summary>
    private static bool SpentOut(Answer answer) => answer.Status == HttpStatusCode.PaymentRequired && !InFlight().IsMatch(answer.Text);

    private static async Task<Answer> AskAsync(HttpClient http, int instance)
    {
        using var response = await http.PostAsync("/v1/chat/completions", new StringContent(FiveDollarRequest, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        return new Answer(instance, response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Headers.RetryAfter?.Delta);
    }

    private async Task PricedBudgetAsync()
    {
        Upstream.Reports = new FakeOpenAIUpstream.Usage(Prompt: 12, Completion: (int)Cost, Cached: 0);
        await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = Limit, period = "month", time_zone = "UTC" });
    }

    /// <summary>Another instance on the test's database.</summary>
    private Task<GatewayServer> StartAsync() => GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, Config);

    private static HttpClient ClientOf(GatewayServer server, string secret)
    {
        var http = new HttpClient { BaseAddress = server.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }
}

using System.Net;
using Gateway.Host.Features.Budgets;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Budgets;

/// <summary>
/// The headroom a lifetime budget of $100 has left is leased by another instance, which the test plays: asked on the
/// give-back channel, it stays silent (the gateway waits its bound on a fake clock, then answers a retryable 429 in the
/// caller's dialect) or says what it keeps in use (the gateway answers 402, saying what is held for requests in flight).
/// </summary>
public sealed class BudgetHeldElsewhereTests(PostgresFixture postgres) : BudgetTestBase(postgres)
{
    private const string Holder = "test-holder-instance";
    private const string Request = """{"model":"fake:gpt-4o-mini","max_tokens":36,"messages":[{"role":"user","content":"hi"}]}""";
    private const string GeminiRequest = """{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"maxOutputTokens":36}}""";
    private readonly ObservedClock _clock = new();

    protected override TimeProvider? Clock => _clock;

    [Fact]
    public async Task Should_answer_a_retryable_429_in_each_dialect_while_a_holder_that_does_not_answer_keeps_the_headroom_and_admit_once_its_lease_expires()
    {
        var budget = await LeasedElsewhereAsync(70m);
        using var anthropic = Inference.Anthropic.AnthropicWire.WireClient(Server.Client.BaseAddress!, Secret);
        using var gemini = Inference.Gemini.GeminiWire.Client(Server.Client.BaseAddress!, Secret);

        using var openAi = await AfterTheWaitAsync(PostAsync(Http, "/v1/chat/completions", Request));
        using var claude = await AfterTheWaitAsync(PostAsync(anthropic, "/v1/messages", Request));
        using var google = await AfterTheWaitAsync(PostAsync(gemini, "/v1beta/models/fake:gpt-4o-mini:generateContent", GeminiRequest));
        await Db.ExecuteAsync($"update budget_leases set expires_at = now() where instance_id = '{Holder}'");
        using var afterExpiry = await PostAsync(Http, "/v1/chat/completions", Request);

        Assert.All(new[] { openAi, claude, google }, r =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), r.Headers.RetryAfter?.Delta);
        });
        var error = (await JsonAsync(openAi))["error"]!;
        Assert.Equal("budget_headroom_held", (string?)error["code"]);
        Assert.Equal(
            $"budget 'team' ({budget}) has room for this request, but other gateway instances hold that headroom leased and did not give it back within 500 ms "
            + "(busy, or stopped without returning their lease, which then expires within 30 s); retry in 1 s",
            (string?)error["message"]);
        Assert.Equal("rate_limit_error", (string?)(await JsonAsync(claude))["error"]!["type"]);
        Assert.Equal("RESOURCE_EXHAUSTED", (string?)(await JsonAsync(google))["error"]!["status"]);
        Assert.Equal(HttpStatusCode.OK, afterExpiry.StatusCode);
        Assert.Single(Upstream.Requests);
    }

    [Fact]
    public async Task Should_answer_402_saying_what_is_held_for_requests_in_flight_when_the_holder_gives_back_and_still_no_hold_fits()
    {
        var budget = await LeasedElsewhereAsync(70m);
        var ct = TestContext.Current.CancellationToken;
        await using var listener = await Db.DataSource.OpenConnectionAsync(ct);
        var asked = new TaskCompletionSource<string[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) =>
        {
            if (e.Payload.StartsWith(Db.Schema + "|ask|", StringComparison.Ordinal))
                asked.TrySetResult(e.Payload.Split('|'));
        };
        await using (var listen = new NpgsqlCommand($"listen {BudgetGiveBack.Channel}", listener))
            await listen.ExecuteNonQueryAsync(ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var hearing = HearAsync(listener, stop.Token);

        var refused = PostAsync(Http, "/v1/chat/completions", Request);
        var ask = await asked.Task.WaitAsync(Eventually.DefaultWithin, ct);
        // The holder keeps $36 held for a request in flight and $30 spent it has not stored yet; $4 goes back.
        await Db.ExecuteAsync($"update budget_leases set usd = 66 where instance_id = '{Holder}'");
        await Db.ExecuteAsync($"select pg_notify('{BudgetGiveBack.Channel}', '{Db.Schema}|kept|{ask[2]}|{Holder}|36|36|1|30|30|6')");
        using var response = await refused;
        await stop.CancelAsync();
        await hearing;

        Assert.Equal(budget, ask[4]);
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal("budget_exceeded", (string?)error["code"]);
        Assert.Equal(
            $"budget 'team' ({budget}) has no room for this request (limit $100.00, of which $30.00 is spent and $36.00 held for requests in flight; "
            + "this one needs up to $36.00); it does not reset",
            (string?)error["message"]);
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task Should_hear_no_holder_when_the_wait_ran_out_before_the_next_round_of_asking()
    {
        // Under load, the asker's read of who holds the period can take up the rest of its 500 ms: a wait already over must
        // end the asking (and the request is refused as held elsewhere), not fail it.
        var giveBack = Server.Services.GetRequiredService<BudgetGiveBack>();

        var kept = await giveBack.AskAsync("asker", "bdg_any", DateTimeOffset.UnixEpoch, [Holder], TimeSpan.FromMilliseconds(-3), TestContext.Current.CancellationToken);

        Assert.Empty(kept);
    }

    /// <summary>A lifetime budget of $100 at $1 a completion token, <paramref name="usd"/> of it leased by the test's holder.</summary>
    private async Task<string> LeasedElsewhereAsync(decimal usd)
    {
        Upstream.Reports = new FakeOpenAIUpstream.Usage(Prompt: 12, Completion: 5, Cached: 0);
        var budget = await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 100m, period = "none" });
        await Db.ExecuteAsync($"""
            insert into budget_leases (budget_id, period_start, instance_id, usd, tokens, requests, expires_at)
            values ('{budget}', 'epoch', '{Holder}', {usd}, 0, 0, now() + interval '30 seconds')
            """);
        return budget;
    }

    /// <summary>The answer to a request once the gateway has waited out its bound for a holder that never answers.</summary>
    private async Task<HttpResponseMessage> AfterTheWaitAsync(Task<HttpResponseMessage> request)
    {
        await _clock.WhenArmedAsync(BudgetGiveBack.Wait).WaitAsync(Eventually.DefaultWithin, TestContext.Current.CancellationToken);
        _clock.Advance(BudgetGiveBack.Wait);
        return await request;
    }

    private static async Task HearAsync(NpgsqlConnection listener, CancellationToken ct)
    {
        try
        {
            while (true)
                await listener.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // The test heard what it waited for.
        }
    }
}

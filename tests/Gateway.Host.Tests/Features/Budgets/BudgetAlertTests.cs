using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Features.Budgets;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Features.Budgets;

/// <summary>
/// Budget alerts at the soft threshold and at the limit, once a period each, to the event log and the webhook;
/// budget changes. The gateway runs on a fake clock, moved on when a webhook's retry waits for it.
/// </summary>
public sealed class BudgetAlertTests(PostgresFixture postgres) : BudgetTestBase(postgres)
{
    private readonly ObservedClock _clock = new();

    protected override TimeProvider? Clock => _clock;

    [Fact]
    public async Task Should_alert_at_the_threshold_and_at_the_limit_once_each_and_post_both_to_the_webhook()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        hook.FailFirst = 1;
        var id = await PriceAndBudgetAsync(new
        {
            name = "team", org_id = OrgId, limit_usd = 20, period = "month", time_zone = "UTC", alert_at_percent = 50, webhook_url = hook.Url.ToString(), mode = "alert_only",
        });

        var afterFirst = (await SpendAsync(), await AlertsAsync(id));
        var afterSecond = (await SpendAsync(), await AlertsAsync(id));
        var afterThird = (await SpendAsync(), await AlertsAsync(id));
        var afterFourth = (await SpendAsync(), await AlertsAsync(id));
        // The first post met the 503: its retry is due a second later.
        await _clock.WhenArmedAsync(TimeSpan.FromSeconds(1)).WaitAsync(Eventually.DefaultWithin, TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var delivered = await hook.WaitForAsync(2, TimeSpan.FromSeconds(15));

        Assert.Equal((HttpStatusCode.OK, 0), (afterFirst.Item1, afterFirst.Item2.Count));
        Assert.Equal((HttpStatusCode.OK, 1), (afterSecond.Item1, afterSecond.Item2.Count));
        Assert.Equal((HttpStatusCode.OK, 2), (afterThird.Item1, afterThird.Item2.Count));
        // Alert-only: the fourth request goes through past the limit and raises nothing new.
        Assert.Equal((HttpStatusCode.OK, 2), (afterFourth.Item1, afterFourth.Item2.Count));
        var limit = afterFourth.Item2[0]!;
        Assert.Equal((100, "limit", 21m, 105m, 3L), ((int)limit["level"]!, (string?)limit["kind"], (decimal)limit["spent_usd"]!, (decimal)limit["percent_used"]!, (long)limit["spent_requests"]!));
        Assert.Equal((50, "threshold", 14m), ((int)afterFourth.Item2[1]!["level"]!, (string?)afterFourth.Item2[1]!["kind"], (decimal)afterFourth.Item2[1]!["spent_usd"]!));

        // The first post met a 503 and was retried: each alert arrives exactly once, in order.
        Assert.Equal([50, 100], delivered.Select(d => (int)d.Body["level"]!));
        Assert.All(delivered, d => Assert.Equal(("budget.alert", "budget.alert", "gateway-budget-alerts", id), ((string?)d.Body["type"], d.Event, d.UserAgent, (string?)d.Body["budget_id"])));
        Assert.Equal(OrgId, (string?)delivered[0].Body["org_id"]);

        // Each alert's delivery is recorded beside it: the threshold's after a 503 and a retry, the limit's at once.
        var recorded = await RecordedDeliveriesAsync(id, 2);
        Assert.Equal(
            [("delivered", "HTTP 204", 1, hook.Url.Authority), ("delivered", "HTTP 204", 2, hook.Url.Authority)],
            recorded.Select(a => a!["delivery"]!).Select(d => ((string?)d["status"], (string?)d["reason"], (int)d["attempts"]!, (string?)d["host"])));

        // Each delivery is signed with the budget's secret over "{t}.{body}".
        var secret = (string)(await Admin.OkAsync(HttpMethod.Get, $"/v1/budgets/{id}/webhook-secret"))["secret"]!;
        Assert.All(delivered, d =>
        {
            var parts = d.Signature!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var signed = Encoding.UTF8.GetBytes(parts["t"] + ".").Concat(d.Raw).ToArray();
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)), parts["v1"]);
            Assert.InRange(long.Parse(parts["t"], System.Globalization.CultureInfo.InvariantCulture), _clock.GetUtcNow().AddMinutes(-1).ToUnixTimeSeconds(), _clock.GetUtcNow().ToUnixTimeSeconds());
        });
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        using var member = Admin.As(Secret);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.SendAsync(HttpMethod.Get, $"/v1/budgets/{id}/webhook-secret")).StatusCode);
    }

    [Fact]
    public async Task Should_raise_an_alert_once_however_many_instances_check_the_same_period()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        var id = await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 10, period = "day", time_zone = "UTC", alert_at_percent = 60, webhook_url = hook.Url.ToString() });
        await using var second = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, Config, time: _clock);
        await SpendAsync();
        var period = new BudgetLedger.Charge(id, new DateTimeOffset(_clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero));

        // Both instances look at the stored spend of the period again, at once and then once more.
        await Task.WhenAll(
            Server.Services.GetRequiredService<BudgetAlerts>().CheckAsync([period], TestContext.Current.CancellationToken),
            second.Services.GetRequiredService<BudgetAlerts>().CheckAsync([period], TestContext.Current.CancellationToken));
        await second.Services.GetRequiredService<BudgetAlerts>().CheckAsync([period], TestContext.Current.CancellationToken);
        var delivered = await hook.WaitForAsync(1, TimeSpan.FromSeconds(10));
        await WebhooksDrainedAsync(Server, second);

        Assert.Single(await AlertsAsync(id));
        Assert.Single(hook.Deliveries);
        Assert.Equal(60, (int)delivered[0].Body["level"]!);
        Assert.Equal(60, await Db.ScalarAsync<int>("select alerted_percent from budget_periods"));
    }

    /// <summary>
    /// Sends a marker through each instance's webhook queue and waits for every marker: a queue posts in
    /// order, so by then each instance has posted whatever its checks queued.
    /// </summary>
    private async Task WebhooksDrainedAsync(params GatewayServer[] instances)
    {
        await using var marker = await WebhookReceiver.StartAsync();
        var alert = new BudgetAlert("bdg_marker", "marker", OrgId, "org", OrgId, "alert_only", 0, 0m, 0m, 0m, 0, 0, _clock.GetUtcNow(), null, _clock.GetUtcNow());
        foreach (var instance in instances)
            instance.Services.GetRequiredService<BudgetWebhooks>().Enqueue(marker.Url.ToString(), Guid.NewGuid(), alert);
        await marker.WaitForAsync(instances.Length, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Should_not_follow_a_webhook_s_redirect_and_record_the_delivery_as_failed_without_retrying()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        await using var elsewhere = await WebhookReceiver.StartAsync();
        hook.RedirectTo = elsewhere.Url;
        var id = await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 10, period = "day", time_zone = "UTC", alert_at_percent = 60, webhook_url = hook.Url.ToString() });

        await SpendAsync();
        var delivery = (await RecordedDeliveriesAsync(id, 1))[0]!["delivery"]!;

        Assert.Equal(("failed", "HTTP 302 (redirects are not followed)", 1), ((string?)delivery["status"], (string?)delivery["reason"], (int)delivery["attempts"]!));
        Assert.Empty(elsewhere.Deliveries);
    }

    [Fact]
    public async Task Should_apply_a_lower_limit_at_once_even_to_headroom_already_leased()
    {
        var id = await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 70, period = "month", time_zone = "UTC" });
        var first = await SpendAsync();

        var changed = await Admin.OkAsync(HttpMethod.Patch, $"/v1/budgets/{id}", new { limit_usd = 7, name = "team, tighter" });
        var second = await SpendAsync();

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal((7m, "team, tighter", 7m, 0m), ((decimal)changed["spec"]!["limit_usd"]!, (string?)changed["spec"]!["name"], (decimal)changed["spent_usd"]!, (decimal)changed["remaining_usd"]!));
        Assert.Equal(HttpStatusCode.PaymentRequired, second);
        Assert.Equal(7m, await Db.ScalarAsync<decimal>("select spent_usd from budget_periods"));
    }

    [Fact]
    public async Task Should_change_only_what_a_patch_names_clear_what_it_sets_to_null_and_refuse_what_cannot_change()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        var id = await PriceAndBudgetAsync(new
        {
            name = "team", org_id = OrgId, limit_usd = 50, max_requests = 100, period = "week", time_zone = "Europe/Berlin", alert_at_percent = 80, webhook_url = hook.Url.ToString(),
        });

        var patched = await Admin.OkAsync(HttpMethod.Patch, $"/v1/budgets/{id}", new { max_requests = (int?)null, webhook_url = (string?)null, mode = "alert_only" });
        var period = await Admin.SendAsync(HttpMethod.Patch, $"/v1/budgets/{id}", new { period = "day" });
        var invalid = await Admin.SendAsync(HttpMethod.Patch, $"/v1/budgets/{id}", new { limit_usd = 0, alert_at_percent = 120, mode = "sometimes" });
        var stale = await Admin.SendAsync(HttpMethod.Patch, $"/v1/budgets/{id}", new { limit_usd = 60 }, ifMatch: "\"1\"");
        var missing = await Admin.SendAsync(HttpMethod.Patch, "/v1/budgets/bdg_nope", new { limit_usd = 60 });

        var spec = patched["spec"]!;
        Assert.Equal((50m, (long?)null, (string?)null, "alert_only", 80, "week", "Europe/Berlin", 2L),
            ((decimal)spec["limit_usd"]!, (long?)spec["max_requests"], (string?)spec["webhook_url"], (string?)spec["mode"], (int)spec["alert_at_percent"]!,
             (string?)spec["period"], (string?)spec["time_zone"], (long)patched["version"]!));
        Assert.Equal(HttpStatusCode.BadRequest, period.StatusCode);
        Assert.Contains("\"period\"", await period.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var problems = JsonNode.Parse(await invalid.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["errors"]!.AsObject();
        Assert.Equal(["alert_at_percent", "limit_usd", "mode"], problems.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

}

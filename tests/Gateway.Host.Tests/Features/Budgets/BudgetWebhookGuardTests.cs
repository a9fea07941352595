using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Budgets;

/// <summary>
/// Budget webhooks through the outbound guard with nothing in <c>outbound.allow</c>: a URL it refuses
/// is refused when stored (400 naming webhook_url and why), and a name that resolves elsewhere by the
/// time an alert goes out is refused then and recorded so. The URL's path and query appear nowhere.
/// </summary>
public sealed class BudgetWebhookGuardTests(PostgresFixture postgres) : BudgetTestBase(postgres)
{
    private protected override IEnumerable<KeyValuePair<string, string?>> MoreConfig => [];

    private object Budget(string? webhookUrl) =>
        new { name = "team", org_id = OrgId, limit_usd = 10, period = "day", time_zone = "UTC", alert_at_percent = 60, webhook_url = webhookUrl };

    [Fact]
    public async Task Should_refuse_to_store_a_webhook_url_the_guard_refuses_naming_webhook_url_and_the_reason()
    {
        Server.Resolver.Answer("hooks.internal.test", "10.0.0.5");
        Server.Resolver.Answer("mixed.test", "93.184.215.14", "192.168.1.9");
        (string Url, string Reason)[] cases =
        [
            ("http://127.0.0.1:5432/hooks/budget?token=s3cret", "127.0.0.1 is a loopback address; allow it with outbound.allow"),
            ("http://169.254.169.254/latest/meta-data/iam/s3cret", "169.254.169.254 is a cloud metadata address; allow it with outbound.allow"),
            ("http://metadata.google.internal/computeMetadata/v1/s3cret", "metadata.google.internal is a cloud metadata name; allow it with outbound.allow"),
            ("http://[::ffff:10.0.0.1]/s3cret", "::ffff:10.0.0.1 (IPv4-mapped 10.0.0.1) is a private address; allow it with outbound.allow"),
            ("http://[::1]/s3cret", "::1 is a loopback address; allow it with outbound.allow"),
            ("https://hooks.internal.test/s3cret", "hooks.internal.test resolves to 10.0.0.5, a private address; allow it with outbound.allow"),
            ("https://mixed.test/s3cret", "mixed.test resolves to 192.168.1.9, a private address; allow it with outbound.allow"),
            ("https://nowhere.test/s3cret", "nowhere.test does not resolve (HostNotFound)"),
            ("https://hooks.example:8443/s3cret", "port 8443 is not 80 or 443; allow hooks.example:8443 with outbound.allow"),
            ("https://user:s3cret@hooks.example/", "must not carry a user name or password (they would be sent to whoever answers, and logged)"),
            ("ftp://hooks.example/s3cret", "must be an http or https URL"),
            ("hooks.example/s3cret", "must be an http or https URL"),
        ];

        foreach (var (url, reason) in cases)
        {
            using var response = await Admin.SendAsync(HttpMethod.Post, "/v1/budgets", Budget(url));
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

            Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
            Assert.Equal(reason, (string?)JsonNode.Parse(text)!["errors"]!["webhook_url"]![0]);
            Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        }

        Assert.Equal(0L, await Db.ScalarAsync<long>("select count(*) from budgets"));
    }

    [Fact]
    public async Task Should_refuse_a_patch_to_a_loopback_webhook_and_keep_the_stored_one()
    {
        Server.Resolver.Answer("hooks.tenant.test", "93.184.215.14");
        var id = await PriceAndBudgetAsync(Budget("https://hooks.tenant.test/budget"));

        using var refused = await Admin.SendAsync(HttpMethod.Patch, $"/v1/budgets/{id}", new { webhook_url = "http://127.0.0.1:8080/hook" });
        var kept = await Admin.OkAsync(HttpMethod.Get, $"/v1/budgets/{id}");
        var unrelated = await Admin.OkAsync(HttpMethod.Patch, $"/v1/budgets/{id}", new { limit_usd = 20 });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("127.0.0.1 is a loopback address; allow it with outbound.allow",
            (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["errors"]!["webhook_url"]![0]);
        Assert.Equal(("https://hooks.tenant.test/budget", 20m), ((string?)kept["spec"]!["webhook_url"], (decimal)unrelated["spec"]!["limit_usd"]!));
    }

    [Fact]
    public async Task Should_refuse_the_delivery_and_record_why_when_the_stored_name_resolves_to_a_loopback_address_by_then()
    {
        Server.Resolver.Answer("hooks.tenant.test", "93.184.215.14");
        var id = await PriceAndBudgetAsync(Budget("https://hooks.tenant.test/budget?token=s3cret"));
        Server.Resolver.Answer("hooks.tenant.test", "127.0.0.1");

        await SpendAsync();
        var alerts = await RecordedDeliveriesAsync(id, 1);

        var delivery = Assert.Single(alerts)!["delivery"]!;
        Assert.Equal(
            ("refused", "hooks.tenant.test resolves to 127.0.0.1, a loopback address; allow it with outbound.allow", 1, "hooks.tenant.test"),
            ((string?)delivery["status"], (string?)delivery["reason"], (int)delivery["attempts"]!, (string?)delivery["host"]));
        Assert.DoesNotContain("s3cret", alerts.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("/budget", alerts.ToJsonString(), StringComparison.Ordinal);
    }
}

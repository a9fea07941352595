using System.Net;
using Gateway.Host.Tests.Features.Budgets;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Inference.Anthropic.AnthropicWire;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Inference.Anthropic;

/// <summary>Budgets hold on the Anthropic dialect exactly as on the OpenAI one: the same admission, the same charge.</summary>
public sealed class AnthropicBudgetTests(PostgresFixture postgres) : BudgetTestBase(postgres)
{
    [Fact]
    public async Task Should_refuse_with_402_billing_error_naming_the_budget_and_its_reset_once_spent()
    {
        await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 10m, period = "month", time_zone = "Europe/Berlin" });
        using var http = WireClient(Server.Client.BaseAddress!, Secret);
        const string SevenDollars = """{"model":"fake:gpt-4o-mini","max_tokens":7,"messages":[{"role":"user","content":"hi"}]}""";

        var first = await PostAsync(http, "/v1/messages", SevenDollars);
        var record = (await LastUsageRecordAsync())!;
        var second = await PostAsync(http, "/v1/messages", SevenDollars);
        var error = await JsonAsync(second);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(7m, (decimal)record["cost"]!);
        Assert.Equal("anthropic", (string?)record["dialect"]);
        Assert.Equal(HttpStatusCode.PaymentRequired, second.StatusCode);
        Assert.Equal("error", (string?)error["type"]);
        Assert.Equal("billing_error", (string?)error["error"]!["type"]);
        Assert.Matches(@"^budget 'team' \(bdg_\w+\) has no room for this request \(limit \$10\.00\); it resets at 2\d{3}-\d\d-\d\dT2[23]:00:00Z$", (string?)error["error"]!["message"]);
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Features.Inference;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Budgets;

/// <summary>The inference gateway with a model priced so that every request costs a known amount.</summary>
public abstract class BudgetTestBase(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    // The fake upstream reports 7 completion tokens; at $1 a completion token (and prompts free) every
    // request costs exactly $7, and with max_tokens 7 its worst case is exactly $7 too.
    /// <summary>The webhook receivers listen on 127.0.0.1, which the outbound guard refuses unless the operator allows it.</summary>
    private protected override IEnumerable<KeyValuePair<string, string?>> MoreConfig => [new("outbound:allow:0", "127.0.0.1")];

    protected const string SevenDollarRequest = """{"model":"fake:gpt-4o-mini","max_tokens":7,"messages":[{"role":"user","content":"hi"}]}""";

    /// <summary>Prices the model as above and creates the budget; returns its id.</summary>
    protected async Task<string> PriceAndBudgetAsync(object budget)
    {
        await Admin.OkAsync(HttpMethod.Post, "/v1/pricing", new { model = "fake:gpt-4o-mini", input_per_million = 0, output_per_million = 1_000_000, cached_input_per_million = 0 },
            HttpStatusCode.Created);
        return (string)(await Admin.OkAsync(HttpMethod.Post, "/v1/budgets", budget, HttpStatusCode.Created))["id"]!;
    }

    /// <summary>What the budget has spent this period, once every request's usage is stored.</summary>
    protected async Task<decimal> SpentUsdAsync(string budget)
    {
        await Server.FlushUsageAsync();
        using var response = await Admin.SendAsync(HttpMethod.Get, $"/v1/budgets?org_id={OrgId}");
        var budgets = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();
        return (decimal)budgets.Single(b => (string?)b!["id"] == budget)!["spent_usd"]!;
    }

    /// <summary>One $7 request, its usage stored (and its alerts raised) before this returns.</summary>
    protected async Task<HttpStatusCode> SpendAsync()
    {
        using var response = await Http.PostAsync("/v1/chat/completions", new StringContent(SevenDollarRequest, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        await Server.FlushUsageAsync();
        return response.StatusCode;
    }

    /// <summary>The budget's alerts as <c>GET /v1/budgets/{id}/alerts</c> lists them, newest first.</summary>
    protected async Task<JsonArray> AlertsAsync(string id)
    {
        using var response = await Admin.SendAsync(HttpMethod.Get, $"/v1/budgets/{id}/alerts");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();
    }

    /// <summary>Waits until <paramref name="count"/> alerts have their delivery's outcome recorded, then lists them.</summary>
    protected Task<JsonArray> RecordedDeliveriesAsync(string id, int count) =>
        Eventually.Until(() => AlertsAsync(id), alerts => alerts.Count(a => a!["delivery"] is JsonObject) >= count, $"{count} alert deliveries of {id} recorded", TimeSpan.FromSeconds(20));
}

using System.Net;
using Gateway.Host.Tests.Features.Inference;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Budgets;

/// <summary>The inference gateway with a model priced so that every request costs a known amount.</summary>
public abstract class BudgetTestBase(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    // The fake upstream reports 7 completion tokens; at $1 a completion token (and prompts free) every
    // request costs exactly $7, and with max_tokens 7 its worst case is exactly $7 too.
    protected const string SevenDollarRequest = """{"model":"fake:gpt-4o-mini","max_tokens":7,"messages":[{"role":"user","content":"hi"}]}""";

    /// <summary>Prices the model as above and creates the budget; returns its id.</summary>
    protected async Task<string> PriceAndBudgetAsync(object budget)
    {
        await Admin.OkAsync(HttpMethod.Post, "/v1/pricing", new { model = "fake:gpt-4o-mini", input_per_million = 0, output_per_million = 1_000_000, cached_input_per_million = 0 },
            HttpStatusCode.Created);
        return (string)(await Admin.OkAsync(HttpMethod.Post, "/v1/budgets", budget, HttpStatusCode.Created))["id"]!;
    }
}

using System.Net;
using System.Text;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Budgets;

/// <summary>Admission holds every prompt token at the dearest price a prompt token can have; settlement charges what was used.</summary>
public sealed class CacheWriteBudgetTests(PostgresFixture postgres) : BudgetTestBase(postgres)
{
    [Fact]
    public async Task Should_hold_prompt_tokens_at_the_one_hour_cache_write_price_and_settle_at_the_exact_split()
    {
        // Prompts are free as input but $1 a token as a 1-hour cache write on gpt-4o-mini; output is $1 a token on both models.
        await Admin.OkAsync(HttpMethod.Post, "/v1/pricing", new
        {
            model = "fake:gpt-4o-mini", input_per_million = 0, output_per_million = 1_000_000, cache_write_1h_per_million = 1_000_000,
        }, HttpStatusCode.Created);
        await Admin.OkAsync(HttpMethod.Post, "/v1/pricing", new { model = "fake:gpt-4o", input_per_million = 0, output_per_million = 1_000_000 }, HttpStatusCode.Created);
        const string Mini = """{"model":"fake:gpt-4o-mini","max_tokens":7,"messages":[{"role":"user","content":"hi"}]}""";
        const string Plain = """{"model":"fake:gpt-4o","max_tokens":7,"messages":[{"role":"user","content":"hi"}]}""";
        // The worst case takes a token per three bytes of the request: the mini's is far over the limit, gpt-4o's is its $7 of output.
        var worstMini = Encoding.UTF8.GetByteCount(Mini) / 3 * 1m + 7m;
        const decimal Limit = 20m;
        Assert.True(worstMini > Limit);
        await Admin.OkAsync(HttpMethod.Post, "/v1/budgets", new { name = "team", org_id = OrgId, limit_usd = Limit, period = "month", time_zone = "UTC" }, HttpStatusCode.Created);

        var refused = await PostAsync(Http, "/v1/chat/completions", Mini);
        var admitted = await PostAsync(Http, "/v1/chat/completions", Plain);
        var record = (await LastUsageRecordAsync())!;

        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Single(Upstream.Requests);
        Assert.Equal(7m, (decimal)record["cost"]!);
        Assert.Equal(7m, (decimal)record["output_cost"]!);
        Assert.Equal(7m, await Db.ScalarAsync<decimal>("select spent_usd from budget_periods"));
    }
}

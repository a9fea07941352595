using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Pricing;

/// <summary>
/// Prompt-cache tokens billed at their own prices, to the exact decimal, from each upstream dialect reached from each
/// client dialect (passed through when they match, translated otherwise), streamed and not: the usage record's tokens,
/// its cost split and total, and the budget's spend; and the streamed form of an answer costs exactly what the whole one does.
/// </summary>
public sealed class CacheBillingTests(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>An upstream's usage, and what the record must hold for it.</summary>
    /// <param name="Cost">input, cache read, 5-minute write, 1-hour write, output, in USD.</param>
    private sealed record Expected(string Model, int Prompt, int Completion, int Cached, int Write5m, int Write1h, decimal[] Cost);

    // claude-sonnet-4-5 at $3 in, $15 out, reads $0.30, 5-minute writes $3.75, 1-hour writes $6 a million: 1,000 uncached,
    // 20,000 read, 2,000 and 1,000 written, 500 out.
    private static readonly Expected Anthropic = new("claude:claude-sonnet-4-5", 24_000, 500, 20_000, 2_000, 1_000, [0.003m, 0.006m, 0.0075m, 0.006m, 0.0075m]);

    // gpt-4o at $2.50 in, $10 out, reads $1.25: 2,000 prompt tokens of which 1,536 read, 40 out.
    private static readonly Expected OpenAI = new("openai:gpt-4o", 2_000, 40, 1_536, 0, 0, [0.00116m, 0.00192m, 0m, 0m, 0.0004m]);

    // gemini-2.5-flash at $0.30 in, $2.50 out, reads $0.075: 5,000 prompt tokens of which 4,096 cached, 30 out.
    private static readonly Expected Gemini = new("gemini:gemini-2.5-flash", 5_000, 30, 4_096, 0, 0, [0.0002712m, 0.0003072m, 0m, 0m, 0.000075m]);

    private FakeAnthropicUpstream _claude = null!;
    private FakeOpenAIUpstream _openai = null!;
    private FakeGeminiUpstream _gemini = null!;
    private TestDatabase _db = null!;
    private GatewayServer _server = null!;
    private TenancyApi _admin = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _claude = await FakeAnthropicUpstream.StartAsync();
        _claude.Reports = new FakeAnthropicUpstream.Usage(Input: 1_000, CacheRead: 20_000, CacheWrite5m: 2_000, CacheWrite1h: 1_000, Output: 500);
        _openai = await FakeOpenAIUpstream.StartAsync();
        _openai.Reports = new FakeOpenAIUpstream.Usage(Prompt: 2_000, Completion: 40, Cached: 1_536);
        _gemini = await FakeGeminiUpstream.StartAsync();
        _gemini.Reports = new FakeGeminiUpstream.Usage(Prompt: 5_000, Candidates: 30, Cached: 4_096);
        _db = await postgres.NewDatabaseAsync(nameof(CacheBillingTests));
        _server = await GatewayServer.StartAsync(_db.ConnectionString, _db.Schema, new GatewayConfig(
            TestProviders.Anthropic("claude", _claude.BaseUrl).Models("claude-sonnet-4-5").Keys("sk-ant-cache"),
            TestProviders.OpenAI("openai", _openai.BaseUrl).Models("gpt-4o").Keys("sk-openai-cache"),
            TestProviders.Gemini("gemini", _gemini.BaseUrl).Models("gemini-2.5-flash").Keys("AIza-cache-billing-key-000000001")).Flatten());
        _admin = TenancyApi.Admin(_server);
        var org = await _admin.CreateOrganizationAsync();
        var (_, secret) = await _admin.IssueKeyAsync(new { org_id = org, name = "cache" });
        _http = new HttpClient { BaseAddress = _server.Client.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        // Prices of the API's own source, so that the shipped table may change without changing these figures.
        await _admin.OkAsync(HttpMethod.Post, "/v1/pricing", new
        {
            model = "claude:claude-sonnet-4-5", input_per_million = 3, output_per_million = 15, cached_input_per_million = 0.30m,
            cache_write_per_million = 3.75m, cache_write_1h_per_million = 6,
        }, HttpStatusCode.Created);
        await _admin.OkAsync(HttpMethod.Post, "/v1/pricing", new { model = "openai:gpt-4o", input_per_million = 2.50m, output_per_million = 10, cached_input_per_million = 1.25m }, HttpStatusCode.Created);
        await _admin.OkAsync(HttpMethod.Post, "/v1/pricing", new { model = "gemini:gemini-2.5-flash", input_per_million = 0.30m, output_per_million = 2.50m, cached_input_per_million = 0.075m }, HttpStatusCode.Created);
        await _admin.OkAsync(HttpMethod.Post, "/v1/budgets", new { name = "team", org_id = org, limit_usd = 100m, period = "month", time_zone = "UTC" }, HttpStatusCode.Created);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _admin.Dispose();
        await _server.DisposeAsync();
        await _db.DisposeAsync();
        await _claude.DisposeAsync();
        await _openai.DisposeAsync();
        await _gemini.DisposeAsync();
    }

    public static TheoryData<string, string> Routes()
    {
        var routes = new TheoryData<string, string>();
        foreach (var upstream in (string[])["anthropic", "openai", "gemini"])
        {
            foreach (var client in (string[])["openai", "anthropic", "gemini"])
                routes.Add(upstream, client);
        }

        return routes;
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Should_record_and_charge_the_exact_cache_split_streamed_and_not_from_each_upstream_to_each_client_dialect(string upstream, string client)
    {
        var expected = upstream switch { "anthropic" => Anthropic, "openai" => OpenAI, _ => Gemini };
        var forms = client == "gemini" ? (string[])["whole", "sse", "json array"] : ["whole", "sse"];

        foreach (var form in forms)
        {
            var response = await SendAsync(client, expected.Model, form);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }

        var rows = await RowsAsync(forms.Length);
        Assert.All(rows, row => AssertBilled(expected, row));
        Assert.Equal(forms.Select(f => f != "whole").Order(), rows.Select(r => (bool)r["stream"]!).Order());
        Assert.Single(rows.Select(r => (decimal)r["cost_usd"]!).Distinct());
        Assert.Equal(forms.Length * expected.Cost.Sum(), await _db.ScalarAsync<decimal>("select spent_usd from budget_periods"));
        Assert.Equal(forms.Length * (expected.Prompt + expected.Completion), await _db.ScalarAsync<long>("select spent_tokens from budget_periods"));
    }

    [Fact]
    public async Task Should_show_each_client_dialect_the_cache_counts_in_its_own_fields_without_counting_a_read_twice()
    {
        var openai = await JsonAsync(await SendAsync("openai", Anthropic.Model, "whole"));
        var anthropic = await JsonAsync(await SendAsync("anthropic", OpenAI.Model, "whole"));
        var gemini = await JsonAsync(await SendAsync("gemini", Anthropic.Model, "whole"));

        Assert.Equal("""{"prompt_tokens":24000,"completion_tokens":500,"total_tokens":24500,"prompt_tokens_details":{"cached_tokens":20000}}""", openai["usage"]!.ToJsonString());
        Assert.Equal(
            """{"input_tokens":464,"cache_creation_input_tokens":0,"cache_read_input_tokens":1536,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":40}""",
            anthropic["usage"]!.ToJsonString());
        Assert.Equal("""{"promptTokenCount":24000,"candidatesTokenCount":500,"totalTokenCount":24500,"cachedContentTokenCount":20000}""", gemini["usageMetadata"]!.ToJsonString());
    }

    [Fact]
    public async Task Should_sum_the_token_and_cost_split_per_day_in_the_usage_summary()
    {
        foreach (var (client, model) in new[] { ("anthropic", Anthropic.Model), ("openai", Anthropic.Model), ("openai", OpenAI.Model) })
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, model, "whole")).StatusCode);
        await RowsAsync(3);

        var totals = (await _admin.OkAsync(HttpMethod.Get, "/v1/usage/summary?group_by=model"))["totals"]!;

        Assert.Equal(
            (2L * 24_000 + 2_000, 2L * 500 + 40, 2L * 20_000 + 1_536, 2L * 2_000, 2L * 1_000),
            ((long)totals["prompt_tokens"]!, (long)totals["completion_tokens"]!, (long)totals["cached_tokens"]!, (long)totals["cache_write_5m_tokens"]!, (long)totals["cache_write_1h_tokens"]!));
        decimal[] parts = [.. Anthropic.Cost.Zip(OpenAI.Cost, (a, o) => (2 * a) + o)];
        Assert.Equal(parts, Split(totals));
        Assert.Equal(parts.Sum(), (decimal)totals["cost_usd"]!);
    }

    private Task<HttpResponseMessage> SendAsync(string client, string model, string form)
    {
        var stream = form != "whole";
        return client switch
        {
            "openai" => PostAsync(_http, "/v1/chat/completions",
                $$"""{"model":"{{model}}","max_tokens":600,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Say hello"}]}"""),
            "anthropic" => PostAsync(_http, "/v1/messages",
                $$"""{"model":"{{model}}","max_tokens":600,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Say hello"}]}"""),
            _ => PostAsync(_http, $"/v1beta/models/{model}:" + form switch { "sse" => "streamGenerateContent?alt=sse", "whole" => "generateContent", _ => "streamGenerateContent" },
                """{"contents":[{"role":"user","parts":[{"text":"Say hello"}]}],"generationConfig":{"maxOutputTokens":600}}"""),
        };
    }

    /// <summary>The usage rows, once the requests are stored (a stream is recorded just after its last event); there must be <paramref name="count"/>.</summary>
    private async Task<List<JsonObject>> RowsAsync(int count)
    {
        await _server.FlushUsageAsync();
        var rows = (await _admin.OkAsync(HttpMethod.Get, "/v1/usage"))["data"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(count, rows.Count);
        return rows;
    }

    private static void AssertBilled(Expected expected, JsonObject row)
    {
        Assert.False((bool)row["usage_estimated"]!);
        Assert.Equal(
            (expected.Prompt, expected.Completion, expected.Cached, expected.Write5m, expected.Write1h),
            ((int)row["prompt_tokens"]!, (int)row["completion_tokens"]!, (int)row["cached_tokens"]!, (int)row["cache_write_5m_tokens"]!, (int)row["cache_write_1h_tokens"]!));
        Assert.Equal(expected.Cost, Split(row));
        Assert.Equal(expected.Cost.Sum(), (decimal)row["cost_usd"]!);
    }

    private static decimal[] Split(JsonNode costs) =>
        [.. ((string[])["input_cost_usd", "cache_read_cost_usd", "cache_write_5m_cost_usd", "cache_write_1h_cost_usd", "output_cost_usd"]).Select(f => (decimal)costs[f]!)];
}

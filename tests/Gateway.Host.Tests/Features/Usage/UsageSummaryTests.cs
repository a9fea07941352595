using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Domain.Pricing;
using Gateway.Host.Features.Usage;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Usage;

/// <summary>GET /v1/usage/summary: sums per day, organization, user, key, provider and model from the daily aggregates, with totals.</summary>
public sealed class UsageSummaryTests(PostgresFixture postgres) : UsageTestBase(postgres)
{
    private static readonly Dictionary<string, Func<InferenceRecord, string?>> Dimensions = new()
    {
        ["day"] = r => r.StartedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["org_id"] = r => r.OrgId,
        ["user_id"] = r => r.UserId,
        ["key_id"] = r => r.KeyId,
        ["provider"] = r => r.Provider,
        ["model"] = r => r.UpstreamModel,
    };

    private async Task<List<InferenceRecord>> SeedAsync()
    {
        var orgB = await Admin.CreateOrganizationAsync("B");
        var alice = await Admin.CreateUserAsync(OrgId);
        var carol = await Admin.CreateUserAsync(orgB);
        var (aliceKey, _) = await Admin.IssueKeyAsync(new { user_id = alice, name = "alice" });
        var (orgKey, _) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "shared" });
        var (carolKey, _) = await Admin.IssueKeyAsync(new { user_id = carol, name = "carol" });
        var records = new List<InferenceRecord>
        {
            Record(Day1.AddHours(1), OrgId, alice, aliceKey, prompt: 100, completion: 50, cached: 20, write5m: 30, write1h: 10,
                split: new CostBreakdown(0.05m, 0.01m, 0.04m, 0.05m, 0.1m)),
            Record(Day1.AddHours(23).AddMinutes(59), OrgId, alice, aliceKey, model: "gpt-4o", status: 429, prompt: 0, completion: 0, cost: 0m),
            Record(Day1.AddDays(1), OrgId, null, orgKey, provider: "backup", model: "backup-model", prompt: 7, completion: 3, cost: 0.0000000001m),
            Record(Day1.AddDays(1).AddHours(12), orgB, carol, carolKey, model: "gpt-4o", prompt: 1000, completion: 2000, cached: 500,
                split: new CostBreakdown(0.2m, 0.05m, 0m, 0m, 1.25m)),
            Record(Day1.AddDays(2).AddHours(3), orgB, carol, carolKey, status: 500, prompt: 5, completion: 0, cost: 0.003m),
            Record(Day1.AddDays(2).AddHours(4), OrgId, alice, aliceKey, model: "unpriced-model", prompt: 40, completion: 2, cost: null),
        };
        await StoreAsync(records);
        return records;
    }

    [Theory]
    [InlineData("day")]
    [InlineData("org")]
    [InlineData("user")]
    [InlineData("key")]
    [InlineData("provider")]
    [InlineData("model")]
    [InlineData("day,model")]
    [InlineData("provider,model,user")]
    public async Task Should_sum_each_group_exactly_with_totals_equal_to_the_rows(string groupBy)
    {
        var records = await SeedAsync();

        var summary = await Admin.OkAsync(HttpMethod.Get, $"/v1/usage/summary?group_by={groupBy}");
        var rows = await AllRowsAsync(Admin, "/v1/usage");

        var columns = groupBy.Split(',').Select(d => d switch { "org" or "user" or "key" => d + "_id", _ => d }).ToList();
        Assert.Equal(columns, summary["group_by"]!.AsArray().Select(c => (string)c!));
        var expected = records.GroupBy(r => Key(columns.Select(c => Dimensions[c](r)))).ToDictionary(g => g.Key, g => Sums(g));
        var data = summary["data"]!.AsArray().Select(g => g!.AsObject()).ToList();
        var actual = data.ToDictionary(g => Key(columns.Select(c => (string?)g["group"]![c])), Sums);
        Assert.True(expected.Count > 1);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), actual.OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.All(data, g => Assert.Equal(columns.Order(), g["group"]!.AsObject().Select(p => p.Key).Order()));

        var totals = Sums(records);
        Assert.Equal(totals, Sums(summary["totals"]!.AsObject()));
        Assert.Empty(summary["totals"]!["group"]!.AsObject());
        Assert.Equal(totals, Sums(rows));
    }

    [Fact]
    public async Task Should_order_days_oldest_first_and_cut_the_range_at_utc_midnight()
    {
        var records = await SeedAsync();

        var all = await Admin.OkAsync(HttpMethod.Get, "/v1/usage/summary");
        var second = await Admin.OkAsync(HttpMethod.Get, "/v1/usage/summary?from=2025-09-02&to=2025-09-03T00:00:00Z");
        var none = await Admin.OkAsync(HttpMethod.Get, "/v1/usage/summary?from=2030-01-01");

        Assert.Equal(["2025-09-01", "2025-09-02", "2025-09-03"], all["data"]!.AsArray().Select(g => (string)g!["group"]!["day"]!));
        var onlyDay2 = Assert.Single(second["data"]!.AsArray())!.AsObject();
        Assert.Equal("2025-09-02", (string)onlyDay2["group"]!["day"]!);
        Assert.Equal(Sums(records.Where(r => r.StartedAt.Day == 2)), Sums(onlyDay2));
        Assert.Equal(Sums(records.Where(r => r.StartedAt.Day == 2)), Sums(second["totals"]!.AsObject()));
        Assert.Empty(none["data"]!.AsArray());
        Assert.Equal(new Totals(0, 0, 0, 0, 0, 0, 0, 0m, 0m, 0m, 0m, 0m, 0m), Sums(none["totals"]!.AsObject()));
    }

    [Fact]
    public async Task Should_stream_the_groups_as_csv_without_the_totals_and_name_none_with_an_empty_field()
    {
        var records = await SeedAsync();

        var (status, text, response) = await GetAsync(Admin, "/v1/usage/summary?group_by=day,user&format=csv");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("usage-summary.csv", response.Content.Headers.ContentDisposition!.FileName);
        // Within a day, users sort by id, and ids are time-ordered: alice was created before carol.
        var (alice, carol) = (records[0].UserId, records[3].UserId);
        Assert.Equal(
            "day,user_id,requests,errors,prompt_tokens,completion_tokens,cached_tokens,cache_write_5m_tokens,cache_write_1h_tokens,"
            + "cost_usd,input_cost_usd,cache_read_cost_usd,cache_write_5m_cost_usd,cache_write_1h_cost_usd,output_cost_usd\r\n"
            + $"2025-09-01,{alice},2,1,100,50,20,30,10,0.2500000000,0.0500000000,0.0100000000,0.0400000000,0.0500000000,0.1000000000\r\n"
            + $"2025-09-02,,1,0,7,3,0,0,0,0.0000000001,{NoSplit}\r\n"
            + $"2025-09-02,{carol},1,0,1000,2000,500,0,0,1.5000000000,0.2000000000,0.0500000000,0.0000000000,0.0000000000,1.2500000000\r\n"
            + $"2025-09-03,{alice},1,0,40,2,0,0,0,0.0000000000,{NoSplit}\r\n"
            + $"2025-09-03,{carol},1,1,5,0,0,0,0,0.0030000000,{NoSplit}\r\n",
            text);
    }

    [Fact]
    public async Task Should_refuse_more_than_10000_groups_as_json_and_stream_them_all_as_csv()
    {
        await StoreAsync(Enumerable.Range(0, 10_001).Select(i => Record(Day1.AddDays(-i), OrgId)));

        var (jsonStatus, json, _) = await GetAsync(Admin, "/v1/usage/summary?group_by=day");
        var (csvStatus, csv, _) = await GetAsync(Admin, "/v1/usage/summary?group_by=day&format=csv");
        var (narrowedStatus, narrowed, _) = await GetAsync(Admin, "/v1/usage/summary?group_by=day&from=1998-04-17");

        Assert.Equal(HttpStatusCode.BadRequest, jsonStatus);
        Assert.Contains("format=csv", (string)JsonNode.Parse(json)!["errors"]!["group_by"]![0]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, csvStatus);
        var lines = csv.Split("\r\n");
        Assert.Equal(1 + 10_001 + 1, lines.Length);
        Assert.Equal(($"1998-04-16,1,0,10,5,0,0,0,0.0100000000,{NoSplit}", $"2025-09-01,1,0,10,5,0,0,0,0.0100000000,{NoSplit}"), (lines[1], lines[^2]));
        Assert.Equal(HttpStatusCode.OK, narrowedStatus);
        Assert.Equal(10_000, JsonNode.Parse(narrowed)!["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task Should_count_real_requests_and_their_errors_for_today()
    {
        Upstream.Script("up-1", Fakes.FakeOpenAIUpstream.Reply.Status(400, """{"error":{"message":"bad","type":"invalid_request_error"}}"""));
        var failed = await ChatAsync();
        var ok = await ChatAsync();
        await StoredAsync(2);
        var today = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var summary = await Admin.OkAsync(HttpMethod.Get, "/v1/usage/summary?group_by=day,provider,model");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.OK), (failed.StatusCode, ok.StatusCode));
        var group = Assert.Single(summary["data"]!.AsArray())!;
        Assert.Equal((today, "fake", "gpt-4o-mini"), ((string)group["group"]!["day"]!, (string)group["group"]!["provider"]!, (string)group["group"]!["model"]!));
        Assert.Equal(2, (long)group["requests"]!);
        Assert.Equal(1, (long)group["errors"]!);
        Assert.Equal((12, 7, 3), ((long)group["prompt_tokens"]!, (long)group["completion_tokens"]!, (long)group["cached_tokens"]!));
        Assert.Equal(await Db.ScalarAsync<decimal>("select sum(cost) from usage_records"), (decimal)group["cost_usd"]!);
    }

    private static string Key(IEnumerable<string?> values) => string.Join("|", values.Select(v => v ?? "(none)"));

    /// <summary>The five cost parts of a group whose requests were stored without their cost split (records journaled before it).</summary>
    private const string NoSplit = "0.0000000000,0.0000000000,0.0000000000,0.0000000000,0.0000000000";

    private static readonly string[] Tokens = ["prompt_tokens", "completion_tokens", "cached_tokens", "cache_write_5m_tokens", "cache_write_1h_tokens"];

    private static readonly string[] Parts = ["input", "cache_read", "cache_write_5m", "cache_write_1h", "output"];

    private sealed record Totals(
        long Requests, long Errors, long Prompt, long Completion, long Cached, long Write5m, long Write1h,
        decimal Cost, decimal Input, decimal CacheRead, decimal CacheWrite5m, decimal CacheWrite1h, decimal Output)
    {
        public static Totals Of(long requests, long errors, long[] tokens, decimal cost, decimal[] split) =>
            new(requests, errors, tokens[0], tokens[1], tokens[2], tokens[3], tokens[4], cost, split[0], split[1], split[2], split[3], split[4]);
    }

    private static Totals Sums(IEnumerable<InferenceRecord> records) => Totals.Of(
        records.Count(), records.Count(r => r.Status >= 400),
        [records.Sum(r => r.PromptTokens), records.Sum(r => r.CompletionTokens), records.Sum(r => r.CachedTokens), records.Sum(r => r.CacheWrite5mTokens), records.Sum(r => r.CacheWrite1hTokens)],
        records.Sum(r => r.Cost ?? 0),
        [records.Sum(r => r.CostSplit?.Input ?? 0), records.Sum(r => r.CostSplit?.CacheRead ?? 0), records.Sum(r => r.CostSplit?.CacheWrite5m ?? 0),
            records.Sum(r => r.CostSplit?.CacheWrite1h ?? 0), records.Sum(r => r.CostSplit?.Output ?? 0)]);

    private static Totals Sums(JsonObject g) => Totals.Of(
        (long)g["requests"]!, (long)g["errors"]!, [.. Tokens.Select(t => (long)g[t]!)], (decimal)g["cost_usd"]!, [.. Parts.Select(p => (decimal)g[p + "_cost_usd"]!)]);

    private static Totals Sums(List<JsonObject> rows) => Totals.Of(
        rows.Count, rows.Count(r => (int)r["status"]! >= 400), [.. Tokens.Select(t => rows.Sum(r => (long)r[t]!))], rows.Sum(r => (decimal?)r["cost_usd"] ?? 0),
        [.. Parts.Select(p => rows.Sum(r => (decimal?)r[p + "_cost_usd"] ?? 0))]);
}

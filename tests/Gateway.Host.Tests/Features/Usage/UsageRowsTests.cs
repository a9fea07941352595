using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.Domain.Pricing;
using Gateway.Host.Features.Usage;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Usage;

/// <summary>GET /v1/usage: every stored field, each filter, cursor paging that holds while rows arrive, and CSV.</summary>
public sealed class UsageRowsTests(PostgresFixture postgres) : UsageTestBase(postgres)
{
    [Fact]
    public async Task Should_list_real_requests_newest_first_with_every_field_as_stored()
    {
        var plain = await ChatAsync();
        var streamed = await ChatAsync(stream: true, includeUsage: true);
        await streamed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        await StoredAsync(2);

        var rows = (await Admin.OkAsync(HttpMethod.Get, "/v1/usage"))["data"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var stored = JsonNode.Parse(await Db.ScalarAsync<string>("select jsonb_agg(u order by at desc, id desc)::text from usage_records u"))!.AsArray();

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(2, rows.Count);
        Assert.Equal([true, false], rows.Select(r => (bool)r["stream"]!));
        for (var i = 0; i < 2; i++)
        {
            var (row, db) = (rows[i], stored[i]!.AsObject());
            foreach (var field in new[] { "id", "request_id", "org_id", "user_id", "key_id", "endpoint", "dialect", "requested_model", "provider", "model", "upstream_key_id" })
                Assert.Equal((string?)db[field], (string?)row[field]);
            foreach (var field in new[] { "status", "prompt_tokens", "completion_tokens", "cached_tokens", "cache_write_5m_tokens", "cache_write_1h_tokens" })
                Assert.Equal((int)db[field]!, (int)row[field]!);
            foreach (var part in new[] { "input", "cache_read", "cache_write_5m", "cache_write_1h", "output" })
                Assert.Equal((decimal)db[part + "_cost"]!, (decimal)row[part + "_cost_usd"]!);
            foreach (var field in new[] { "stream", "usage_estimated", "client_cancelled" })
                Assert.Equal((bool)db[field]!, (bool)row[field]!);
            Assert.Equal(DateTimeOffset.Parse((string)db["at"]!, System.Globalization.CultureInfo.InvariantCulture), (DateTimeOffset)row["at"]!);
            Assert.Equal((decimal)db["cost"]!, (decimal)row["cost_usd"]!);
            Assert.Equal((double)db["latency_ms"]!, (double)row["latency_ms"]!);
            Assert.Equal((double?)db["ttft_ms"], (double?)row["ttft_ms"]);
            Assert.True(JsonNode.DeepEquals(db["attempts"], row["attempts"]), $"{db["attempts"]} != {row["attempts"]}");
        }

        var first = rows[1];
        Assert.Equal((OrgId, "fake", "gpt-4o-mini", "fake:gpt-4o-mini", "/v1/chat/completions", "openai", 200),
            ((string)first["org_id"]!, (string)first["provider"]!, (string)first["model"]!, (string)first["requested_model"]!, (string)first["endpoint"]!,
                (string)first["dialect"]!, (int)first["status"]!));
        Assert.Equal((12, 7, 3), ((int)first["prompt_tokens"]!, (int)first["completion_tokens"]!, (int)first["cached_tokens"]!));
        Assert.Null(first["user_id"]);
        Assert.Equal("ok", (string)Assert.Single(first["attempts"]!.AsArray())!["outcome"]!);
        // gpt-4o-mini's shipped price: 9 uncached at $0.15 and 3 read at $0.075 a million, 7 out at $0.60.
        Assert.Equal((0.00000135m, 0.000000225m, 0m, 0m, 0.0000042m), ((decimal)first["input_cost_usd"]!, (decimal)first["cache_read_cost_usd"]!,
            (decimal)first["cache_write_5m_cost_usd"]!, (decimal)first["cache_write_1h_cost_usd"]!, (decimal)first["output_cost_usd"]!));
        Assert.Equal(0.000005775m, (decimal)first["cost_usd"]!);
    }

    [Fact]
    public async Task Should_return_exactly_the_rows_each_filter_selects()
    {
        var orgB = await Admin.CreateOrganizationAsync("B");
        var alice = await Admin.CreateUserAsync(OrgId);
        var bob = await Admin.CreateUserAsync(OrgId);
        var carol = await Admin.CreateUserAsync(orgB);
        var (aliceKey, _) = await Admin.IssueKeyAsync(new { user_id = alice, name = "alice" });
        var (bobKey, _) = await Admin.IssueKeyAsync(new { user_id = bob, name = "bob" });
        var (orgKey, _) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "shared" });
        var (carolKey, _) = await Admin.IssueKeyAsync(new { user_id = carol, name = "carol" });
        var day2 = Day1.AddDays(1);
        var records = new List<InferenceRecord>
        {
            Record(Day1.AddHours(1), OrgId, alice, aliceKey),
            Record(Day1.AddHours(2), OrgId, alice, aliceKey, model: "gpt-4o", status: 429, cost: null),
            Record(Day1.AddHours(3), OrgId, bob, bobKey, provider: "backup", model: "backup-model", dialect: "anthropic", endpoint: "/v1/messages"),
            Record(day2.AddHours(1), OrgId, null, orgKey, status: 500, endpoint: "/v1/embeddings"),
            Record(day2.AddHours(5), orgB, carol, carolKey, dialect: "gemini", status: 400),
            Record(Day1.AddDays(2), orgB, carol, carolKey),
        };
        await StoreAsync(records);

        var cases = new (string Query, Func<InferenceRecord, bool> Selects)[]
        {
            ("from=2025-09-02", r => r.StartedAt >= day2),
            ("to=2025-09-02", r => r.StartedAt < day2),
            ("from=2025-09-01T02:00:00Z&to=2025-09-03T00:00:00Z", r => r.StartedAt >= Day1.AddHours(2) && r.StartedAt < Day1.AddDays(2)),
            ("from=2025-09-01T04:00:00%2B02:00&to=2025-09-01T03:00:00.000001Z", r => r.StartedAt >= Day1.AddHours(2) && r.StartedAt <= Day1.AddHours(3)),
            ($"org_id={orgB}", r => r.OrgId == orgB),
            ($"user_id={alice}", r => r.UserId == alice),
            ($"key_id={orgKey}", r => r.KeyId == orgKey),
            ("provider=backup", r => r.Provider == "backup"),
            ("model=gpt-4o", r => r.UpstreamModel == "gpt-4o"),
            ("status=429", r => r.Status == 429),
            ("errors_only=true", r => r.Status >= 400),
            ("errors_only=false", _ => true),
            ("dialect=anthropic", r => r.Dialect == "anthropic"),
            ("endpoint=%2Fv1%2Fembeddings", r => r.Endpoint == "/v1/embeddings"),
            ($"org_id={OrgId}&errors_only=true&from=2025-09-02", r => r.OrgId == OrgId && r.Status >= 400 && r.StartedAt >= day2),
        };

        foreach (var (query, selects) in cases)
        {
            var expected = NewestFirst(records.Where(selects));
            Assert.NotEmpty(expected);
            Assert.Equal(expected, Ids(await AllRowsAsync(Admin, $"/v1/usage?{query}")));
        }
    }

    [Fact]
    public async Task Should_page_through_every_row_exactly_once_while_new_rows_are_stored()
    {
        // Three rows share each instant, so pages end in the middle of ties: only (at, id) orders them.
        var records = Enumerable.Range(0, 60).Select(i => Record(Day1.AddMinutes(i / 3), OrgId)).ToList();
        await StoreAsync(records);
        var newer = Record(Day1.AddHours(5), OrgId);
        var older = Record(Day1.AddDays(-1), OrgId);

        var seen = new List<JsonObject>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Admin.OkAsync(HttpMethod.Get, "/v1/usage?limit=7" + (cursor is null ? "" : $"&cursor={cursor}"));
            var data = page["data"]!.AsArray().Select(r => r!.AsObject()).ToList();
            Assert.InRange(data.Count, 1, 7);
            seen.AddRange(data);
            cursor = (string?)page["next_cursor"];
            if (++pages == 2)
                await StoreAsync([newer, older]);
        }
        while (cursor is not null);

        Assert.Equal(9, pages);
        Assert.Equal(NewestFirst([.. records, older]), Ids(seen));
        Assert.Equal(62, (await AllRowsAsync(Admin, "/v1/usage")).Count);
    }

    [Fact]
    public async Task Should_stream_every_row_as_rfc_4180_csv_with_the_json_field_names()
    {
        var odd = Record(Day1, OrgId, requestedModel: "my \"odd\", model", write5m: 2, write1h: 1, split: new CostBreakdown(0.001m, 0m, 0.002m, 0.003m, 0.004m));
        var unpriced = Record(Day1.AddHours(1), OrgId, model: "unpriced-model", cost: null);
        var many = Enumerable.Range(0, 1000).Select(i => Record(Day1.AddDays(-1).AddSeconds(i), OrgId)).ToList();
        await StoreAsync([odd, unpriced, .. many]);

        var (status, text, response) = await GetAsync(Admin, "/v1/usage?format=csv");
        var json = (await Admin.OkAsync(HttpMethod.Get, "/v1/usage?limit=1"))["data"]![0]!.AsObject();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/csv; charset=utf-8; header=present", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("usage.csv", response.Content.Headers.ContentDisposition!.FileName);
        var lines = text.Split("\r\n");
        Assert.Equal(1 + 1002 + 1, lines.Length);
        Assert.Equal("", lines[^1]);
        Assert.Equal(string.Join(',', json.Select(p => p.Key)), lines[0]);
        const string attempt = "\"[{\"\"provider\"\":\"\"fake\"\",\"\"key_id\"\":\"\"upk_1\"\",\"\"status\"\":200,\"\"outcome\"\":\"\"ok\"\",\"\"detail\"\":null,\"\"latency_ms\"\":11.25}]\"";
        Assert.Equal(
            $"{unpriced.Id},2025-09-01T01:00:00.000000Z,{unpriced.RequestId},{OrgId},,,/v1/chat/completions,openai,fake:unpriced-model,fake,unpriced-model,upk_1,200,false,10,5,0,0,0,false,,,,,,,12.5,,false,{attempt}",
            lines[1]);
        Assert.Equal(
            $"{odd.Id},2025-09-01T00:00:00.000000Z,{odd.RequestId},{OrgId},,,/v1/chat/completions,openai,\"my \"\"odd\"\", model\",fake,gpt-4o-mini,upk_1,200,false,10,5,0,2,1,false,0.0100000000,0.0010000000,0.0000000000,0.0020000000,0.0030000000,0.0040000000,12.5,,false,{attempt}",
            lines[2]);
        Assert.Equal(NewestFirst(many), lines[3..^1].Select(l => l[..36]).ToList());
    }

    [Fact]
    public async Task Should_answer_csv_to_accept_text_csv_and_json_when_format_says_so()
    {
        await StoreAsync([Record(Day1, OrgId)]);

        async Task<string?> ContentTypeAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayServer.AdminToken);
            request.Headers.Accept.ParseAdd("text/csv");
            using var response = await Server.Client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Content.Headers.ContentType?.MediaType;
        }

        Assert.Equal("text/csv", await ContentTypeAsync("/v1/usage"));
        Assert.Equal("text/csv", await ContentTypeAsync("/v1/usage/summary"));
        Assert.Equal("application/json", await ContentTypeAsync("/v1/usage?format=json"));
    }

    /// <summary>The ids in the API's order: newest first, ties broken by id as PostgreSQL orders uuids (byte by byte, as their text sorts).</summary>
    private static List<string> NewestFirst(IEnumerable<InferenceRecord> records) =>
        [.. records.Select(r => (r.StartedAt, Id: r.Id.ToString())).OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).Select(r => r.Id)];
}

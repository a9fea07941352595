using System.Net;
using System.Text.Json.Nodes;
using Gateway.Domain.Pricing;
using Gateway.Host.Features.Usage;
using Gateway.Host.Tests.Features.Inference;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Features.Usage;

/// <summary>
/// A gateway with fake upstreams, plus usage records placed at chosen times and owners. Those go
/// through the gateway's own usage log (journal, writer, daily aggregates), exactly as a request's do;
/// only their timestamps are chosen, so days and ranges can be tested without waiting for them.
/// </summary>
public abstract class UsageTestBase(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    internal static readonly DateTimeOffset Day1 = new(2025, 9, 1, 0, 0, 0, TimeSpan.Zero);

    /// <param name="cost">The cost without its split, as a record journaled before costs were split holds it.</param>
    /// <param name="split">The cost by kind of token; when given, the cost is its total.</param>
    internal static InferenceRecord Record(
        DateTimeOffset at, string? org, string? user = null, string? key = null, string provider = "fake", string model = "gpt-4o-mini",
        int status = 200, string dialect = "openai", string endpoint = "/v1/chat/completions", int prompt = 10, int completion = 5, int cached = 0,
        decimal? cost = 0.01m, string? requestedModel = null, int write5m = 0, int write1h = 0, CostBreakdown? split = null) =>
        new(Guid.CreateVersion7(at), $"req-{Guid.NewGuid():N}", org, user, key, dialect, endpoint, requestedModel ?? $"{provider}:{model}", provider, model,
            "upk_1", status, Stream: false, at, LatencyMs: 12.5, TimeToFirstTokenMs: null, prompt, completion, cached, UsageEstimated: false, ClientCancelled: false,
            [new AttemptRecord(provider, "upk_1", status, status < 400 ? "ok" : "bad_request", null, 11.25)], split?.Total ?? cost,
            CacheWrite5mTokens: write5m, CacheWrite1hTokens: write1h, CostSplit: split);

    /// <summary>Records and stores them at once, as the gateway does for requests that ended.</summary>
    internal async Task StoreAsync(IEnumerable<InferenceRecord> records)
    {
        var log = Server.Services.GetRequiredService<UsageLog>();
        foreach (var record in records)
            log.Record(record);
        await log.FlushAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Stores what real requests recorded, once the last ones have ended: a request is recorded just after its answer.</summary>
    internal async Task StoredAsync(long expected)
    {
        await Server.FlushUsageAsync();
        Assert.Equal(expected, await Db.ScalarAsync<long>("select count(*) from usage_records"));
    }

    /// <summary>Every row of a json listing, following next_cursor page by page.</summary>
    internal static async Task<List<JsonObject>> AllRowsAsync(TenancyApi caller, string path, int limit = 1000)
    {
        var rows = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await caller.OkAsync(HttpMethod.Get, $"{path}{separator}limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"));
            rows.AddRange(page["data"]!.AsArray().Select(r => r!.AsObject()));
            cursor = (string?)page["next_cursor"];
            Assert.Equal(cursor is not null, (bool)page["has_more"]!);
        }
        while (cursor is not null);
        return rows;
    }

    internal static List<string> Ids(IEnumerable<JsonObject> rows) => [.. rows.Select(r => (string)r["id"]!)];

    internal static async Task<(HttpStatusCode Status, string Text, HttpResponseMessage Response)> GetAsync(TenancyApi caller, string path)
    {
        var response = await caller.SendAsync(HttpMethod.Get, path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response);
    }
}

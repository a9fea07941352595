using Gateway.Domain.Pricing;
using Gateway.Host.Features.Usage;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Usage;

/// <summary>
/// The usage writer stores a batch once however often it is replayed, and adds to usage_daily exactly
/// what it stored: one row per day and owner, equal to the sum of that group's rows.
/// </summary>
public sealed class UsageWriterTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 14, 12, 0, 0, TimeSpan.Zero);

    /// <summary>usage_daily beside the same sums over usage_records, one line per group; they must read the same.</summary>
    private const string Daily = """
        select string_agg(concat_ws('|', day, org_id, user_id, key_id, provider, model, requests, errors, prompt_tokens, completion_tokens,
            cached_tokens, cost, cache_write_5m_tokens, cache_write_1h_tokens, input_cost, cache_read_cost, cache_write_5m_cost,
            cache_write_1h_cost, output_cost), E'\n' order by day, org_id, user_id, key_id, provider, model)
        from
        """;

    private const string RowSums = """
        (select (at at time zone 'UTC')::date as day, coalesce(org_id, '') as org_id, coalesce(user_id, '') as user_id, coalesce(key_id, '') as key_id,
            coalesce(provider, '') as provider, coalesce(model, '') as model, count(*) as requests, count(*) filter (where status >= 400) as errors,
            sum(prompt_tokens) as prompt_tokens, sum(completion_tokens) as completion_tokens, sum(cached_tokens) as cached_tokens,
            coalesce(sum(cost), 0)::numeric(24, 10) as cost, sum(cache_write_5m_tokens) as cache_write_5m_tokens,
            sum(cache_write_1h_tokens) as cache_write_1h_tokens, coalesce(sum(input_cost), 0)::numeric(24, 10) as input_cost,
            coalesce(sum(cache_read_cost), 0)::numeric(24, 10) as cache_read_cost, coalesce(sum(cache_write_5m_cost), 0)::numeric(24, 10) as cache_write_5m_cost,
            coalesce(sum(cache_write_1h_cost), 0)::numeric(24, 10) as cache_write_1h_cost, coalesce(sum(output_cost), 0)::numeric(24, 10) as output_cost
         from usage_records group by 1, 2, 3, 4, 5, 6) sums
        """;

    private TestDatabase _db = null!;

    /// <summary>usage_daily as stored, and as the sums of the stored rows would make it.</summary>
    private Task<string> StoredDailyAsync() => _db.ScalarAsync<string>(Daily + " usage_daily");

    private Task<string> SummedRowsAsync() => _db.ScalarAsync<string>(Daily + RowSums);

    public async ValueTask InitializeAsync() => _db = await postgres.NewDatabaseAsync(nameof(UsageWriterTests));

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private static List<InferenceRecord> Batch() =>
    [
        // Three of one group, with costs finer than the 10 decimals stored, an error and cache writes among them.
        UsageTestBase.Record(Noon, "org_a", "usr_a", "key_a", cost: 0.00000000004m, prompt: 100, completion: 7, cached: 20),
        UsageTestBase.Record(Noon.AddMinutes(1), "org_a", "usr_a", "key_a", status: 500, prompt: 3, completion: 0, write5m: 9, write1h: 4,
            split: new CostBreakdown(0.000000000051m, 0.0000001m, 0.25m, 1.5m, 0.00000000005m)),
        UsageTestBase.Record(Noon.AddMinutes(2), "org_a", "usr_a", "key_a", cost: null, prompt: 11, completion: 13),
        // The same owner on another day, and no owner at all.
        UsageTestBase.Record(Noon.AddDays(-1), "org_a", "usr_a", "key_a"),
        UsageTestBase.Record(Noon, null, provider: "other", model: "m2"),
        // Rounded one by one as stored, these add up to 1.2345678901; summed first, they would make 1.2345678902.
        UsageTestBase.Record(Noon, "org_a", "usr_a", "key_b", cost: 1.23456789012m),
        UsageTestBase.Record(Noon, "org_a", "usr_a", "key_b", cost: 0.00000000004m),
        UsageTestBase.Record(Noon, "org_a", "usr_a", "key_b", cost: 0.00000000004m),
    ];

    [Fact]
    public async Task Should_add_one_daily_row_per_group_of_the_batch_equal_to_the_sum_of_its_stored_rows()
    {
        var batch = Batch();

        await new UsageWriter(_db.DataSource).WriteAsync(batch, TestContext.Current.CancellationToken);

        var daily = await StoredDailyAsync();
        Assert.Equal(await SummedRowsAsync(), daily);
        Assert.Equal(4L, await _db.ScalarAsync<long>("select count(*) from usage_daily"));
        Assert.Equal(3L, await _db.ScalarAsync<long>("select requests from usage_daily where day = '2026-03-14' and key_id = 'key_a'"));
        Assert.Equal(0.0000000001m, await _db.ScalarAsync<decimal>("select input_cost from usage_daily where day = '2026-03-14' and key_id = 'key_a'"));
        Assert.Equal(1.2345678901m, await _db.ScalarAsync<decimal>("select cost from usage_daily where key_id = 'key_b'"));
    }

    [Fact]
    public async Task Should_store_a_replayed_batch_once_and_count_only_the_rows_it_had_not_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        var writer = new UsageWriter(_db.DataSource);
        var batch = Batch();
        var first = await writer.WriteAsync(batch[..4], ct);
        var after = await StoredDailyAsync();

        var replayed = await writer.WriteAsync(batch[..4], ct);
        var unchanged = await StoredDailyAsync();
        var overlapping = await writer.WriteAsync([.. batch, batch[5]], ct);

        Assert.Equal(batch[..4].Select(r => r.Id).ToHashSet(), first);
        Assert.Empty(replayed);
        Assert.Equal(after, unchanged);
        Assert.Equal(batch[4..].Select(r => r.Id).ToHashSet(), overlapping);
        Assert.Equal((long)batch.Count, await _db.ScalarAsync<long>("select count(*) from usage_records"));
        Assert.Equal((long)batch.Count, await _db.ScalarAsync<long>("select sum(requests)::bigint from usage_daily"));
        Assert.Equal(
            await SummedRowsAsync(),
            await StoredDailyAsync());
    }

    [Fact]
    public async Task Should_store_every_field_of_a_record_as_given()
    {
        var record = Batch()[1] with { TimeToFirstTokenMs = 3.25, Instance = "inst_1", UserId = null };

        await new UsageWriter(_db.DataSource).WriteAsync([record], TestContext.Current.CancellationToken);

        Assert.Equal(
            $"{record.Id}|2026-03-14 12:01:00|{record.RequestId}|org_a||key_a|openai|/v1/chat/completions|fake:gpt-4o-mini|fake|gpt-4o-mini|upk_1|500|f|12.5|3.25|3|0|0|f|f|1.7500001001|inst_1|[]|9|4|0.0000000001|0.0000001000|0.2500000000|1.5000000000|0.0000000001",
            await _db.ScalarAsync<string>("""
                select concat_ws('|', id, at at time zone 'UTC', request_id, org_id, coalesce(user_id, ''), key_id, dialect, endpoint, requested_model, provider, model,
                    upstream_key_id, status, stream, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cached_tokens, usage_estimated, client_cancelled,
                    cost, instance_id, charges, cache_write_5m_tokens, cache_write_1h_tokens, input_cost, cache_read_cost, cache_write_5m_cost,
                    cache_write_1h_cost, output_cost)
                from usage_records
                """));
        Assert.Equal(500L, await _db.ScalarAsync<long>("select (attempts -> 0 ->> 'status')::bigint from usage_records"));
    }
}

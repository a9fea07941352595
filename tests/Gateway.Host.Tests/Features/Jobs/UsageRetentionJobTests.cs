using Gateway.Host.Features.Jobs;
using Gateway.Host.Features.Usage;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Jobs.JobTestKit;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary>Detailed usage records are kept for <c>usage_retention_days</c>; the daily aggregates for good.</summary>
public sealed class UsageRetentionJobTests(PostgresFixture postgres) : JobsTestBase(postgres)
{
    private static InferenceRecord Record(DateTimeOffset at) => new(
        Guid.CreateVersion7(), "req", "org_a", "usr_a", "key_a", "openai", "/v1/chat/completions", "gpt-4o-mini", "openai", "gpt-4o-mini", "pk_1",
        200, false, at, 12.5, null, 100, 20, 0, false, false, [], 0.0015m);

    private const string DailySnapshot =
        "select string_agg(format('%s|%s|%s|%s|%s|%s|%s', day, org_id, model, requests, prompt_tokens, completion_tokens, cost), ';' order by day) from usage_daily";

    [Fact]
    public async Task Should_delete_records_older_than_the_configured_days_and_keep_the_daily_aggregates()
    {
        var now = Clock.GetUtcNow();
        var old = new[] { Record(now.AddDays(-11)), Record(now.AddDays(-40)), Record(now.AddDays(-400)) };
        var kept = new[] { Record(now.AddDays(-9)), Record(now.AddMinutes(-1)) };
        Assert.Equal(5, (await new UsageWriter(Db.DataSource).WriteAsync([.. old, .. kept], TestContext.Current.CancellationToken)).Count);
        var daily = await Db.ScalarAsync<string>(DailySnapshot);
        var config = Schedules((UsageRetentionJob.Name, EverySecond));
        config["usage_retention_days"] = "10";

        await StartAsync(config);
        await TickAsync(UsageRetentionJob.Name, 2);

        var remaining = await Db.ScalarAsync<Guid[]>("select array_agg(id order by at) from usage_records");
        var first = await Db.ScalarAsync<string>($"select summary from job_runs where job = '{UsageRetentionJob.Name}' order by id limit 1");
        var second = await Db.ScalarAsync<string>($"select summary from job_runs where job = '{UsageRetentionJob.Name}' order by id offset 1 limit 1");
        Assert.Equal(kept.Select(r => r.Id), remaining);
        Assert.Equal(daily, await Db.ScalarAsync<string>(DailySnapshot));
        Assert.Equal(5L, await Db.ScalarAsync<long>("select sum(requests)::bigint from usage_daily"));
        Assert.StartsWith($"deleted 3 usage records from before {now.AddDays(-10):yyyy-MM-dd}", first, StringComparison.Ordinal);
        Assert.EndsWith(" in 1 batches", first, StringComparison.Ordinal);
        Assert.StartsWith("deleted 0 usage records", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_delete_in_batches_of_the_given_size_until_nothing_old_is_left()
    {
        var now = DateTimeOffset.UtcNow;
        var old = Enumerable.Range(1, 5).Select(i => Record(now.AddDays(-30 - i))).ToArray();
        await new UsageWriter(Db.DataSource).WriteAsync([.. old, Record(now)], TestContext.Current.CancellationToken);

        var (deleted, batches) = await new UsageRetention(Db.DataSource).DeleteOlderThanAsync(now.AddDays(-30), 2, TestContext.Current.CancellationToken);

        Assert.Equal(5, deleted);
        Assert.Equal(3, batches);
        Assert.Equal(1L, await Db.ScalarAsync<long>("select count(*) from usage_records"));
    }
}

using Gateway.Host.Features.Jobs;
using Gateway.Host.Features.Usage;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using static Gateway.Host.Tests.Features.Jobs.JobTestKit;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary>
/// Detailed usage records are kept for <c>usage_retention_days</c>; the daily aggregates for good. Days
/// wholly past the cutoff go as partitions; rows are deleted only from the cutoff's day and the default partition.
/// </summary>
public sealed class UsageRetentionJobTests(PostgresFixture postgres) : JobsTestBase(postgres)
{
    private static InferenceRecord Record(DateTimeOffset at) => new(
        Guid.CreateVersion7(), "req", "org_a", "usr_a", "key_a", "openai", "/v1/chat/completions", "gpt-4o-mini", "openai", "gpt-4o-mini", "pk_1",
        200, false, at, 12.5, null, 100, 20, 0, false, false, [], 0.0015m);

    private const string DailySnapshot =
        "select string_agg(format('%s|%s|%s|%s|%s|%s|%s', day, org_id, model, requests, prompt_tokens, completion_tokens, cost), ';' order by day) from usage_daily";

    private UsagePartitions Partitions => new(Db.DataSource, Clock, NullLogger<UsagePartitions>.Instance);

    private static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

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
        Assert.EndsWith(" in 1 batches and dropped 0 day partitions", first, StringComparison.Ordinal);
        Assert.StartsWith("deleted 0 usage records", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_drop_the_partitions_of_days_past_the_cutoff_and_keep_the_current_ones_and_their_rows()
    {
        var ct = TestContext.Current.CancellationToken;
        // Noon, so the hours either side of the cutoff are on its day.
        var now = new DateTimeOffset(Clock.GetUtcNow().UtcDateTime.Date.AddDays(1).AddHours(12), TimeSpan.Zero);
        Clock.SetUtcNow(now);
        var cutoff = now.AddDays(-10);
        // Partitions for the days of every record but the oldest, which waits in the default partition.
        var old = new[] { Record(now.AddDays(-30)), Record(now.AddDays(-12)), Record(now.AddDays(-400)) };
        var straddling = new[] { Record(cutoff.AddHours(-1)), Record(cutoff.AddHours(1)) };
        var kept = new[] { Record(now.AddDays(-9)), Record(now.AddMinutes(-1)) };
        foreach (var r in old.Take(2).Concat(straddling).Concat(kept))
            await Partitions.CreateAsync(DayOf(r.StartedAt), ct);
        await new UsageWriter(Db.DataSource).WriteAsync([.. old, .. straddling, .. kept], ct);
        var daily = await Db.ScalarAsync<string>(DailySnapshot);
        var config = Schedules((UsageRetentionJob.Name, EverySecond));
        config["usage_retention_days"] = "10";

        await StartAsync(config);
        await TickAsync(UsageRetentionJob.Name, 1);

        var days = await Partitions.DaysAsync(ct);
        var remaining = await Db.ScalarAsync<Guid[]>("select array_agg(id order by at) from usage_records");
        var summary = await Db.ScalarAsync<string>($"select summary from job_runs where job = '{UsageRetentionJob.Name}' order by id limit 1");
        Assert.Equal(straddling.Skip(1).Concat(kept).Select(r => r.Id), remaining);
        Assert.DoesNotContain(DayOf(old[0].StartedAt), days);
        Assert.DoesNotContain(DayOf(old[1].StartedAt), days);
        Assert.Contains(DayOf(cutoff), days);
        Assert.All(kept, r => Assert.Contains(DayOf(r.StartedAt), days));
        Assert.Equal(0L, await Db.ScalarAsync<long>($"select count(*) from pg_class where relname in ('{UsagePartitions.TableOf(DayOf(old[0].StartedAt))}', '{UsagePartitions.TableOf(DayOf(old[1].StartedAt))}') and relnamespace = current_schema()::regnamespace"));
        Assert.Equal(daily, await Db.ScalarAsync<string>(DailySnapshot));
        Assert.StartsWith($"deleted 2 usage records from before {cutoff:yyyy-MM-dd}", summary, StringComparison.Ordinal);
        Assert.EndsWith($" and dropped 2 day partitions ({DayOf(old[0].StartedAt):yyyy-MM-dd} to {DayOf(old[1].StartedAt):yyyy-MM-dd})", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_delete_in_batches_of_the_given_size_until_nothing_old_is_left()
    {
        var now = DateTimeOffset.UtcNow;
        var old = Enumerable.Range(1, 5).Select(i => Record(now.AddDays(-30 - i))).ToArray();
        await new UsageWriter(Db.DataSource).WriteAsync([.. old, Record(now)], TestContext.Current.CancellationToken);

        var outcome = await new UsageRetention(Db.DataSource, Partitions).RemoveOlderThanAsync(now.AddDays(-30), 2, TestContext.Current.CancellationToken);

        Assert.Equal(5, outcome.Deleted);
        Assert.Equal(3, outcome.Batches);
        Assert.Empty(outcome.Dropped);
        Assert.Equal(1L, await Db.ScalarAsync<long>("select count(*) from usage_records"));
    }
}

using Gateway.Host.Features.Jobs;
using Gateway.Host.Features.Usage;
using Gateway.Host.Tests.Features.Usage;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using static Gateway.Host.Tests.Features.Jobs.JobTestKit;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary>The day partitions of usage records stay ahead of the clock, made by one instance of the cluster, and take back what the default partition held.</summary>
public sealed class UsagePartitionsJobTests(PostgresFixture postgres) : JobsTestBase(postgres)
{
    [Fact]
    public async Task Should_create_a_missing_day_ahead_once_across_instances_and_move_its_rows_out_of_the_default_partition()
    {
        var ct = TestContext.Current.CancellationToken;
        var config = Schedules((UsagePartitionsJob.Name, EverySecond));
        await StartAsync(config);
        await StartAsync(config);
        var partitions = new UsagePartitions(Db.DataSource, Clock, NullLogger<UsagePartitions>.Instance);
        var last = partitions.Today().AddDays(UsagePartitions.DaysAhead);
        Assert.True(await partitions.DropAsync(last, ct));
        var early = UsageTestBase.Record(new DateTimeOffset(last.ToDateTime(new TimeOnly(0, 30)), TimeSpan.Zero), "org_a");
        await new UsageWriter(Db.DataSource).WriteAsync([early], ct);
        var before = await Db.ScalarAsync<string>("select tableoid::regclass::text from usage_records");

        await TickAsync(UsagePartitionsJob.Name, 3);

        var summaries = await Db.ScalarAsync<string[]>($"select array_agg(summary order by id) from job_runs where job = '{UsagePartitionsJob.Name}'");
        Assert.Equal("usage_records_default", before);
        Assert.Equal(UsagePartitions.TableOf(last), await Db.ScalarAsync<string>("select tableoid::regclass::text from usage_records"));
        Assert.Equal(1, summaries.Count(s => s.StartsWith("created ", StringComparison.Ordinal)));
        Assert.Equal($"created 1 day partitions: {last:yyyy-MM-dd}", summaries.First(s => s.StartsWith("created ", StringComparison.Ordinal)));
        Assert.All(summaries.SkipWhile(s => !s.StartsWith("created ", StringComparison.Ordinal)).Skip(1),
            s => Assert.Equal($"every day partition to {last:yyyy-MM-dd} was there", s));
        Assert.Equal(1 + UsagePartitions.DaysAhead, (await partitions.DaysAsync(ct)).Count);
    }
}

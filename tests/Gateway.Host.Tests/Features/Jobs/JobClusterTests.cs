using Gateway.Host.Features.Jobs;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Jobs.JobTestKit;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary>Every gateway instance on one schema is a node of one Quartz cluster: each firing runs once, on one of them.</summary>
public sealed class JobClusterTests(PostgresFixture postgres) : JobsTestBase(postgres)
{
    [Fact]
    public async Task Should_run_each_firing_once_when_two_gateways_share_a_schema()
    {
        var config = Schedules((KeyExpiryJob.Name, EverySecond));
        var nodes = new List<string>();
        await using (var one = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, config, time: Clock))
        await using (var two = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, config, time: Clock))
        {
            await Eventually.Until(() => Db.ScalarAsync<long>("select count(*) from qrtz_scheduler_state"), n => n == 2, "both gateways checked in");
            nodes.AddRange((await Db.ScalarAsync<string[]>("select array_agg(instance_name order by instance_name) from qrtz_scheduler_state")).Distinct());
            await TickAsync(KeyExpiryJob.Name, 8);
        }

        var runs = await Db.ScalarAsync<long>($"select count(*) from job_runs where job = '{KeyExpiryJob.Name}'");
        var firings = await Db.ScalarAsync<long>($"select count(distinct scheduled_at) from job_runs where job = '{KeyExpiryJob.Name}'");
        var ranOn = await Db.ScalarAsync<string[]>($"select array_agg(distinct instance_id) from job_runs where job = '{KeyExpiryJob.Name}'");
        Assert.Equal(2, nodes.Count);
        Assert.True(runs >= 8, $"{runs} runs");
        Assert.Equal(firings, runs);
        Assert.Equal(0L, await Db.ScalarAsync<long>($"select count(*) from job_runs where job = '{KeyExpiryJob.Name}' and (scheduled_at is null or not succeeded)"));
        Assert.All(ranOn, node => Assert.Contains(node, nodes));
    }

    [Fact]
    public async Task Should_keep_the_schedules_and_runs_of_two_schemas_apart_on_one_database()
    {
        await using var other = await Postgres.NewDatabaseAsync(nameof(JobClusterTests) + "other");
        await StartAsync(Schedules((KeyExpiryJob.Name, EverySecond)));
        var idle = await StartAsync(Schedules((KeyExpiryJob.Name, Never)), on: other);
        using var idleAdmin = TenancyApi.Admin(idle);

        await TickAsync(KeyExpiryJob.Name, 3);
        var idleJobs = await JobsAsync(idleAdmin);

        Assert.Equal(0L, await RunsAsync(other, KeyExpiryJob.Name));
        Assert.Equal(1L, await Db.ScalarAsync<long>("select count(*) from qrtz_scheduler_state"));
        Assert.Equal(1L, await other.ScalarAsync<long>("select count(*) from qrtz_scheduler_state"));
        Assert.NotEqual(
            await Db.ScalarAsync<string>("select instance_name from qrtz_scheduler_state"),
            await other.ScalarAsync<string>("select instance_name from qrtz_scheduler_state"));
        Assert.Equal(EverySecond, await Db.ScalarAsync<string>($"select cron_expression from qrtz_cron_triggers where trigger_name = '{KeyExpiryJob.Name}'"));
        Assert.Equal(Never, await other.ScalarAsync<string>($"select cron_expression from qrtz_cron_triggers where trigger_name = '{KeyExpiryJob.Name}'"));
        Assert.Equal(Never, (string?)idleJobs[KeyExpiryJob.Name]["schedule"]);
        Assert.Null(idleJobs[KeyExpiryJob.Name]["last_run"]);
    }
}

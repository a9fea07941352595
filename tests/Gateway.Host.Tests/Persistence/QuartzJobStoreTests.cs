using System.Collections.Concurrent;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace Gateway.Host.Tests.Persistence;

/// <summary>
/// The Quartz tables from migrations/ must be exactly what Quartz's clustered ADO store expects. Both
/// schedulers run on one fake clock, which the test moves from one firing to the next.
/// </summary>
public sealed class QuartzJobStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly ConcurrentDictionary<string, ConcurrentBag<string>> Fires = new();
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly List<ServiceProvider> _providers = [];
    private TestDatabase _db = null!;

    public async ValueTask InitializeAsync() => _db = await postgres.NewDatabaseAsync(nameof(QuartzJobStoreTests));

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
            await provider.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Should_fire_each_trigger_once_across_two_clustered_schedulers_on_the_migrated_tables()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = Guid.NewGuid().ToString("N");
        var one = await SchedulerAsync("node-1");
        var two = await SchedulerAsync("node-2");
        await one.Start(ct);
        await two.Start(ct);

        var job = JobBuilder.Create<RecordingJob>().WithIdentity("record", "tests").UsingJobData("run", run).Build();
        var trigger = TriggerBuilder.Create().WithIdentity("every-300ms", "tests").StartAt(_clock.GetUtcNow())
            .WithSimpleSchedule(s => s.WithInterval(Interval).WithRepeatCount(4)).Build();
        await one.ScheduleJob(job, trigger, default, ct);

        // Each firing is awaited before the clock moves on to the next; after the fifth, a sixth would be due.
        for (var firing = 1; firing <= 5; firing++)
        {
            await Eventually.Until(() => Fires.TryGetValue(run, out var f) ? f.Count : 0, n => n >= firing, $"firing {firing} of 5");
            _clock.Advance(Interval);
        }

        // Once the store has dropped the spent trigger, no firing can come; the shutdowns wait for any that began.
        await Eventually.Until(async () => await one.GetTrigger(trigger.Key, ct) is null, "the spent trigger dropped from the store");
        await one.Shutdown(waitForJobsToComplete: true, ct);
        await two.Shutdown(waitForJobsToComplete: true, ct);

        var fired = Fires[run];
        Assert.Equal(5, fired.Count);
        Assert.Equal(5, fired.Distinct().Count());
        Assert.Equal(2L, await _db.ScalarAsync<long>("select count(*) from qrtz_scheduler_state"));
    }

    /// <summary>One gateway instance's scheduler, configured through DI as the host will configure it.</summary>
    private async Task<IScheduler> SchedulerAsync(string instance)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "gateway-test";
                o.InstanceId = instance;
            });
            q.UseTimeProvider(_clock);
            q.UsePersistentStore(store =>
            {
                store.ConfigureStore(o => o.StoreJobDataAsStrings = true);
                store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(1));
                store.UsePostgres(_db.ConnectionString);
                store.UseSystemTextJsonSerializer(_ => { });
            });
        });
        _providers.Add(services.BuildServiceProvider());
        return await _providers[^1].GetRequiredService<ISchedulerFactory>().GetScheduler(TestContext.Current.CancellationToken);
    }

    [DisallowConcurrentExecution]
    private sealed class RecordingJob : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            var run = context.MergedJobDataMap.GetString("run")!;
            Fires.GetOrAdd(run, _ => []).Add(context.ScheduledFireTimeUtc!.Value.ToString("O"));
            return ValueTask.CompletedTask;
        }
    }
}

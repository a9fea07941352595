using System.Diagnostics;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static Gateway.Host.Tests.Features.Jobs.JobTestKit;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary>
/// A fresh schema per test, and the gateways a test starts on it, stopped last-started first. They share
/// one fake clock, which Quartz's schedules and the jobs both read: a test moves time on instead of
/// waiting for a schedule to come due.
/// </summary>
public abstract class JobsTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly List<GatewayServer> _servers = [];

    internal PostgresFixture Postgres => postgres;

    internal TestDatabase Db { get; private set; } = null!;

    internal FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public async ValueTask InitializeAsync() => Db = await postgres.NewDatabaseAsync(GetType().Name);

    public async ValueTask DisposeAsync()
    {
        for (var i = _servers.Count - 1; i >= 0; i--)
            await _servers[i].DisposeAsync();
        await Db.DisposeAsync();
    }

    /// <param name="config">As the YAML file would give it, e.g. <see cref="JobTestKit.Schedules"/>.</param>
    internal async Task<GatewayServer> StartAsync(IReadOnlyDictionary<string, string?> config, TestDatabase? on = null)
    {
        var db = on ?? Db;
        var server = await GatewayServer.StartAsync(db.ConnectionString, db.Schema, config, time: Clock);
        _servers.Add(server);
        return server;
    }

    /// <summary>How long a tick waits for its run before it lets another second pass.</summary>
    private static readonly TimeSpan NudgeAfter = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Moves the clock on a second at a time, <paramref name="seconds"/> times, and after each second awaits
    /// the run of <paramref name="job"/> (scheduled <see cref="JobTestKit.EverySecond"/>) it made due; returns the runs recorded.
    /// </summary>
    /// <remarks>
    /// Quartz's loop waits on the scheduler's clock, and a fake clock moves only when a test moves it, so a
    /// wait armed just after a second passed ends only with the next one. One such wait is the retry of a
    /// node that found the trigger still held back by the run the test just saw: a run is recorded before
    /// its firing is marked complete. CI once saw a tick bring no run within 30 s in a loaded run; so a
    /// second that brings no run within <see cref="NudgeAfter"/> is followed by another, as a real clock
    /// would. The jobs read the same clock, and the tests depend on the runs, not on how many seconds passed.
    /// </remarks>
    internal async Task<long> TickAsync(string job, int seconds)
    {
        var runs = await RunsAsync(Db, job);
        for (var i = 0; i < seconds; i++)
        {
            var want = runs + 1;
            Clock.Advance(TimeSpan.FromSeconds(1));
            var sinceAdvance = Stopwatch.StartNew();
            runs = await Eventually.Until(async () =>
            {
                var seen = await RunsAsync(Db, job);
                if (seen < want && sinceAdvance.Elapsed >= NudgeAfter)
                {
                    Clock.Advance(TimeSpan.FromSeconds(1));
                    sinceAdvance.Restart();
                }

                return seen;
            }, seen => seen >= want, $"{want} runs of {job}");
        }

        return runs;
    }
}

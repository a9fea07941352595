using System.Collections.Concurrent;
using System.Diagnostics;
using Gateway.Host.Persistence;
using Gateway.Host.Persistence.EventStore;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Host.Tests.Persistence;

public sealed class ProjectionRunnerTests(PostgresFixture postgres) : EventStoreTestBase(postgres)
{
    private sealed record Append(long Started, long Ended, Guid[] Ids);

    private ProjectionRunner Runner(params IAsyncProjection[] projections) =>
        new(Db.DataSource, projections, new NotificationListener(Db.DataSource, NullLogger<NotificationListener>.Instance), NullLogger<ProjectionRunner>.Instance) { BatchSize = 300, PollInterval = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task Should_see_every_event_exactly_once_in_commit_order_when_eight_writers_append_a_thousand_events_each()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Store();
        var recorder = new RecordingProjection();
        var runner = Runner(recorder);
        await runner.StartAsync(ct);

        var appends = new ConcurrentBag<Append>();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            long ownVersion = 0;
            for (var i = 0; i < 250; i++)
            {
                var events = Events(4);
                var started = Stopwatch.GetTimestamp();
                switch (i % 5)
                {
                    case 0:
                        await store.AppendFactsAsync("facts", "usage", events, ct);
                        break;
                    case 1 or 2:
                        // Contended streams: eight writers interleave on four streams.
                        await store.AppendAsync($"shared-{i % 4}", "test", ExpectedVersion.Any, events, ct);
                        break;
                    default:
                        var expected = ownVersion == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(ownVersion);
                        ownVersion = (await store.AppendAsync($"writer-{w}", "test", expected, events, ct)).Version;
                        break;
                }

                appends.Add(new Append(started, Stopwatch.GetTimestamp(), [.. events.Select(e => e.Id)]));
            }
        }, ct)).ToArray();
        await Task.WhenAll(writers);
        await recorder.WaitForAsync(8000, TimeSpan.FromSeconds(60));
        await CaughtUpAsync(recorder.Name);
        await runner.StopAsync(ct);
        await runner.RunBatchAsync(recorder, ct);

        var seen = recorder.Seen;
        Assert.Equal(8000, seen.Count);
        Assert.Equal(0, recorder.Duplicates);

        // The order is the store's commit order...
        var committed = new List<Guid>();
        await using (var cmd = Db.DataSource.CreateCommand("select id from events order by tx, seq"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                committed.Add(reader.GetGuid(0));
        Assert.Equal(committed, seen.Select(e => e.Id));

        // ...each stream's versions arrive 1, 2, 3, ... without gaps...
        foreach (var stream in seen.Where(e => e.Version is not null).GroupBy(e => e.StreamId))
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(e => e.Version!.Value));

        // ...and it agrees with real time: an append that finished before another started comes first.
        var position = seen.Select((e, i) => (e.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var byEnd = appends.OrderBy(a => a.Ended).ToArray();
        var latestPositionEndedBy = new int[byEnd.Length];
        for (var i = 0; i < byEnd.Length; i++)
            latestPositionEndedBy[i] = Math.Max(i > 0 ? latestPositionEndedBy[i - 1] : -1, byEnd[i].Ids.Max(id => position[id]));
        var ends = byEnd.Select(a => a.Ended).ToArray();
        foreach (var later in appends)
        {
            var finishedBefore = Array.BinarySearch(ends, later.Started);
            finishedBefore = finishedBefore >= 0 ? finishedBefore - 1 : ~finishedBefore - 1;
            if (finishedBefore >= 0)
                Assert.True(latestPositionEndedBy[finishedBefore] < later.Ids.Min(id => position[id]), "an append that finished earlier was projected later");
        }
    }

    [Fact]
    public async Task Should_resume_from_its_checkpoint_after_a_restart_without_replaying_events()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Store();
        var before = new RecordingProjection("orders");
        var first = Runner(before);
        await first.StartAsync(ct);
        await store.AppendAsync("s", "test", ExpectedVersion.NoStream, Events(100), ct);
        await before.WaitForAsync(100, TimeSpan.FromSeconds(20));
        // The recorder hears of a batch before it commits: stop only once the checkpoint is stored,
        // or the batch rolls back and is (rightly) delivered again.
        await CaughtUpAsync("orders");
        await first.StopAsync(ct);

        var later = Events(50);
        await store.AppendAsync("s", "test", ExpectedVersion.Exactly(100), later, ct);
        var after = new RecordingProjection("orders");
        var second = Runner(after);
        await second.StartAsync(ct);
        await after.WaitForAsync(50, TimeSpan.FromSeconds(20));
        await CaughtUpAsync("orders");
        await second.StopAsync(ct);
        await second.RunBatchAsync(after, ct);

        Assert.Equal(later.Select(e => e.Id), after.Seen.Select(e => e.Id));
        Assert.Equal(after.Seen[^1].Seq, await Db.ScalarAsync<long>("select seq from projection_progress where name = 'orders'"));
    }

    [Fact]
    public async Task Should_wait_for_a_transaction_that_commits_late_instead_of_skipping_its_event()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Store();
        var recorder = new RecordingProjection();
        var runner = Runner(recorder);
        await runner.EnsureCheckpointsAsync(ct);
        await store.AppendAsync("slow", "test", ExpectedVersion.NoStream, [Event()], ct);

        // A writer starts (and takes its transaction id) first, but commits last.
        await using var slow = await Db.DataSource.OpenConnectionAsync(ct);
        await using var slowTx = await slow.BeginTransactionAsync(ct);
        var lateId = Guid.NewGuid();
        await using (var insert = new NpgsqlCommand(
            "insert into events (id, stream_id, type, data, metadata) values ($1, 'slow', 'late', '{}', '{}')", slow, slowTx))
        {
            insert.Parameters.Add(new() { Value = lateId });
            await insert.ExecuteNonQueryAsync(ct);
        }

        var quick = Event();
        await store.AppendAsync("quick", "test", ExpectedVersion.NoStream, [quick], ct);
        await DrainUntilAsync(runner, recorder, seen: 1, ct);
        for (var i = 0; i < 5; i++)
            await runner.RunBatchAsync(recorder, ct);

        Assert.Single(recorder.Seen);
        Assert.DoesNotContain(recorder.Seen, e => e.Id == quick.Id);

        await slowTx.CommitAsync(ct);
        await DrainUntilAsync(runner, recorder, seen: 3, ct);

        Assert.Equal([lateId, quick.Id], recorder.Seen.Skip(1).Select(e => e.Id));
    }

    /// <summary>
    /// Waits until the projection's checkpoint is at the store's last event: every batch it was given is
    /// committed, and a runner that went on delivering would be delivering twice. The tests then stop the
    /// runner and run one more batch of their own, so a second delivery has had its chance.
    /// </summary>
    private async Task CaughtUpAsync(string projection) =>
        await Eventually.Until(
            () => Db.ScalarAsync<string>($"""
                select case when (p.tx, p.seq) = (e.tx, e.seq) then 'caught up' else format('checkpoint at %s/%s, last event at %s/%s', p.tx, p.seq, e.tx, e.seq) end
                from projection_progress p, (select tx, seq from events order by tx desc, seq desc limit 1) e
                where p.name = '{projection}'
                """),
            state => state == "caught up", $"projection {projection} to reach the last event", TimeSpan.FromSeconds(15));

    /// <summary>
    /// Transaction ids are cluster-wide, so tests running beside this one can hold the horizon back
    /// for a moment: keep asking rather than trusting one empty batch.
    /// </summary>
    private static async Task DrainUntilAsync(ProjectionRunner runner, RecordingProjection recorder, int seen, CancellationToken ct) =>
        await Eventually.Until(
            async () =>
            {
                await runner.RunBatchAsync(recorder, ct);
                return recorder.Seen.Count;
            },
            n => n >= seen, $"{seen} events drained into projection {recorder.Name}", TimeSpan.FromSeconds(15));

    [Fact]
    public async Task Should_deliver_each_event_once_when_two_instances_run_the_same_projection()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Store();
        var deliveries = new ConcurrentDictionary<Guid, int>();
        var onA = new RecordingProjection("shared", deliveries);
        var onB = new RecordingProjection("shared", deliveries);
        var a = Runner(onA);
        var b = Runner(onB);
        await a.StartAsync(ct);
        await b.StartAsync(ct);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
                await store.AppendAsync($"w{w}", "test", ExpectedVersion.Any, Events(10), ct);
        }, ct)));
        await Eventually.Until(() => deliveries.Count, n => n >= 2000, "2000 events delivered to the two instances", TimeSpan.FromSeconds(30));
        await CaughtUpAsync("shared");
        await a.StopAsync(ct);
        await b.StopAsync(ct);
        await a.RunBatchAsync(onA, ct);
        await b.RunBatchAsync(onB, ct);

        Assert.Equal(2000, deliveries.Count);
        Assert.All(deliveries.Values, n => Assert.Equal(1, n));
        Assert.Equal(2000, onA.Seen.Count + onB.Seen.Count);
    }
}

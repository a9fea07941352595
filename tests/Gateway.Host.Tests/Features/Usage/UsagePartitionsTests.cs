using Gateway.Host.Features.Usage;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Host.Tests.Features.Usage;

/// <summary>usage_records is partitioned by UTC day; a row whose day has no partition yet waits in the default one, and is never lost.</summary>
public sealed class UsagePartitionsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2026, 3, 14);
    private static readonly DateTimeOffset Midnight = new(2026, 3, 15, 0, 0, 0, TimeSpan.Zero);

    private TestDatabase _db = null!;

    public async ValueTask InitializeAsync() => _db = await postgres.NewDatabaseAsync(nameof(UsagePartitionsTests));

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private UsagePartitions Partitions(DateTimeOffset now) => new(_db.DataSource, new FakeTimeProvider(now), NullLogger<UsagePartitions>.Instance);

    private static InferenceRecord Record(DateTimeOffset at) => UsageTestBase.Record(at, "org_a");

    private Task<string[]> TablesOfAsync(params InferenceRecord[] records) =>
        _db.ScalarAsync<string[]>($"select array_agg(tableoid::regclass::text order by at) from usage_records where id in ({string.Join(", ", records.Select(r => $"'{r.Id}'"))})");

    [Fact]
    public async Task Should_store_each_row_in_the_partition_of_its_utc_day()
    {
        var ct = TestContext.Current.CancellationToken;
        await Partitions(Midnight).CreateAheadAsync(Day, ct);
        var lastOfDay = Record(Midnight.AddTicks(-10));
        var firstOfNext = Record(Midnight);
        var elsewhere = Record(new DateTimeOffset(2026, 3, 15, 1, 30, 0, TimeSpan.FromHours(5)));

        await new UsageWriter(_db.DataSource).WriteAsync([lastOfDay, firstOfNext, elsewhere], ct);

        Assert.Equal(["usage_records_p20260314", "usage_records_p20260314", "usage_records_p20260315"], await TablesOfAsync(elsewhere, lastOfDay, firstOfNext));
    }

    [Fact]
    public async Task Should_create_today_and_the_days_ahead_and_then_nothing_more_on_the_same_day()
    {
        var ct = TestContext.Current.CancellationToken;
        var partitions = Partitions(Midnight.AddHours(-1));

        var first = await partitions.CreateAheadAsync(partitions.Today(), ct);
        var again = await partitions.CreateAheadAsync(partitions.Today(), ct);

        Assert.Equal([Day, Day.AddDays(1), Day.AddDays(2), Day.AddDays(3)], first);
        Assert.Equal(1 + UsagePartitions.DaysAhead, first.Count);
        Assert.Empty(again);
        Assert.Equal(first, await partitions.DaysAsync(ct));
    }

    [Fact]
    public async Task Should_create_each_day_once_when_instances_create_them_at_the_same_moment()
    {
        var ct = TestContext.Current.CancellationToken;
        using var start = new Barrier(3);
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait(ct);
            return await Partitions(Midnight).CreateAheadAsync(Day, ct);
        }, ct)));

        Assert.Equal(1 + UsagePartitions.DaysAhead, runs.Sum(r => r.Count));
        Assert.Equal(1 + UsagePartitions.DaysAhead, (await Partitions(Midnight).DaysAsync(ct)).Count);
    }

    [Fact]
    public async Task Should_keep_a_row_whose_day_has_no_partition_in_the_default_one_and_move_it_into_its_day_once_created()
    {
        var ct = TestContext.Current.CancellationToken;
        await Partitions(Midnight).CreateAheadAsync(Day, ct);
        var early = Record(Midnight.AddDays(-3));
        var alsoEarly = Record(Midnight.AddDays(-3).AddHours(5));
        var earlier = Record(Midnight.AddDays(-30));
        var today = Record(Midnight.AddHours(-2));

        var inserted = await new UsageWriter(_db.DataSource).WriteAsync([early, alsoEarly, earlier, today], ct);
        var before = await TablesOfAsync(earlier, early, alsoEarly, today);
        var created = await Partitions(Midnight).CreateAsync(DateOnly.FromDateTime(early.StartedAt.UtcDateTime), ct);

        Assert.Equal(4, inserted.Count);
        Assert.Equal(["usage_records_default", "usage_records_default", "usage_records_default", "usage_records_p20260314"], before);
        Assert.True(created);
        Assert.Equal(["usage_records_default", "usage_records_p20260312", "usage_records_p20260312", "usage_records_p20260314"], await TablesOfAsync(earlier, early, alsoEarly, today));
        Assert.Equal(4L, await _db.ScalarAsync<long>("select sum(requests)::bigint from usage_daily"));
    }

    [Fact]
    public async Task Should_make_the_partitions_ahead_when_the_gateway_starts()
    {
        var clock = new FakeTimeProvider(Midnight.AddHours(-1));

        await using (await GatewayServer.StartAsync(_db.ConnectionString, _db.Schema, time: clock))
        {
        }

        Assert.Equal(Enumerable.Range(0, 1 + UsagePartitions.DaysAhead).Select(d => Day.AddDays(d)), await Partitions(Midnight).DaysAsync(TestContext.Current.CancellationToken));
    }
}

using Gateway.Host.Persistence.EventStore;
using Gateway.Host.Tests.Infrastructure;
using Npgsql;

namespace Gateway.Host.Tests.Persistence;

public sealed class EventStoreAppendTests(PostgresFixture postgres) : EventStoreTestBase(postgres)
{
    private sealed record Renamed(string Name);

    [Fact]
    public async Task Should_store_events_with_versions_metadata_and_data_when_appending_to_a_new_stream()
    {
        var store = Store();
        var first = NewEvent.Create("org.renamed", new Renamed("Acme"), new EventMetadata("org-7", "admin:alice", "req-42", "cmd-1"));

        var result = await store.AppendAsync("org-7", "organization", ExpectedVersion.NoStream, [first, Event()], TestContext.Current.CancellationToken);
        var stored = await store.ReadStreamAsync("org-7", 1, TestContext.Current.CancellationToken);

        Assert.Equal(2, result.Version);
        Assert.False(result.AlreadyApplied);
        Assert.Equal([1L, 2L], stored.Select(e => e.Version!.Value));
        Assert.Equal(first.Id, stored[0].Id);
        Assert.Equal("org.renamed", stored[0].Type);
        Assert.Equal("Acme", stored[0].Deserialize<Renamed>(Json).Name);
        Assert.Equal(new EventMetadata("org-7", "admin:alice", "req-42", "cmd-1"), stored[0].Metadata);
        Assert.Equal("org-7", await Db.ScalarAsync<string>($"select tenant_id from events where id = '{first.Id}'"));
        Assert.True(stored[0].Seq < stored[1].Seq);
    }

    [Fact]
    public async Task Should_append_again_to_a_stream_of_platform_events_that_have_no_tenant()
    {
        var store = Store();
        var ct = TestContext.Current.CancellationToken;

        await store.AppendAsync("platform", "test", ExpectedVersion.Any, [Event(tenant: null)], ct);
        var second = await store.AppendAsync("platform", "test", ExpectedVersion.Any, [Event(tenant: null)], ct);

        Assert.Equal(2, second.Version);
    }

    [Fact]
    public async Task Should_let_exactly_one_writer_win_when_two_append_at_the_same_expected_version()
    {
        var store = Store();
        var ct = TestContext.Current.CancellationToken;
        await store.AppendAsync("s", "test", ExpectedVersion.NoStream, [Event()], ct);

        for (var round = 1; round <= 25; round++)
        {
            var expected = ExpectedVersion.Exactly(round);
            var outcomes = await AllAtOnceAsync(2, () => store.AppendAsync("s", "test", expected, [Event()], ct));

            Assert.Single(outcomes, o => o is null);
            var loser = Assert.IsType<ConcurrencyException>(Assert.Single(outcomes, o => o is not null));
            Assert.Equal(round + 1, loser.Actual);
            Assert.Equal(expected, loser.Expected);
        }

        Assert.Equal(26, await store.StreamVersionAsync("s", ct));
        Assert.Equal(26L, await Db.ScalarAsync<long>("select count(*) from events"));
    }

    [Fact]
    public async Task Should_raise_a_concurrency_exception_not_a_unique_violation_when_many_create_one_stream_at_once()
    {
        var store = Store();
        var ct = TestContext.Current.CancellationToken;
        var outcomes = await AllAtOnceAsync(10, () => store.AppendAsync("new-stream", "test", ExpectedVersion.NoStream, [Event()], ct));

        Assert.Single(outcomes, o => o is null);
        Assert.All(outcomes.Where(o => o is not null), e =>
        {
            var conflict = Assert.IsType<ConcurrencyException>(e);
            Assert.Equal(1, conflict.Actual);
        });
        Assert.Equal(1L, await Db.ScalarAsync<long>("select count(*) from events"));
    }

    [Fact]
    public async Task Should_treat_a_retried_append_as_a_no_op_when_its_event_ids_are_already_stored()
    {
        var store = Store();
        var ct = TestContext.Current.CancellationToken;
        var events = Events(3);
        await store.AppendAsync("s", "test", ExpectedVersion.NoStream, events, ct);

        var retry = await store.AppendAsync("s", "test", ExpectedVersion.NoStream, events, ct);

        Assert.True(retry.AlreadyApplied);
        Assert.Equal(3, retry.Version);
        Assert.Equal(3L, await Db.ScalarAsync<long>("select count(*) from events"));
    }

    [Fact]
    public async Task Should_refuse_an_event_id_already_used_on_another_stream()
    {
        var store = Store();
        var ct = TestContext.Current.CancellationToken;
        var reused = Event();
        await store.AppendAsync("a", "test", ExpectedVersion.NoStream, [reused], ct);

        var error = await Assert.ThrowsAsync<DuplicateEventException>(
            () => store.AppendAsync("b", "test", ExpectedVersion.NoStream, [reused], ct));

        Assert.Equal(reused.Id, error.EventId);
        Assert.Null(await store.StreamVersionAsync("b", ct));
    }

    [Fact]
    public async Task Should_check_the_version_before_drawing_sequence_numbers()
    {
        var store = Store();
        var ct = TestContext.Current.CancellationToken;
        await store.AppendAsync("s", "test", ExpectedVersion.NoStream, Events(2), ct);
        var highest = await Db.ScalarAsync<long>("select max(seq) from events");

        await Assert.ThrowsAsync<ConcurrencyException>(() => store.AppendAsync("s", "test", ExpectedVersion.Exactly(1), Events(5), ct));
        await Assert.ThrowsAsync<ConcurrencyException>(() => store.AppendAsync("s", "test", ExpectedVersion.NoStream, Events(5), ct));
        await store.AppendAsync("s", "test", ExpectedVersion.Exactly(2), [Event()], ct);

        // A refused append that had drawn from the identity would leave a gap here.
        Assert.Equal(highest + 1, await Db.ScalarAsync<long>("select max(seq) from events"));
    }

    [Fact]
    public async Task Should_commit_inline_projection_writes_in_the_same_transaction_as_the_append()
    {
        await Db.ExecuteAsync("create table counts (stream_id text primary key, n bigint not null)");
        var store = Store(new CountingProjection());
        var ct = TestContext.Current.CancellationToken;

        await store.AppendAsync("s", "test", ExpectedVersion.NoStream, Events(3), ct);
        await store.AppendAsync("s", "test", ExpectedVersion.Exactly(3), Events(2), ct);

        Assert.Equal(5L, await Db.ScalarAsync<long>("select n from counts where stream_id = 's'"));
    }

    [Fact]
    public async Task Should_roll_the_append_back_when_an_inline_projection_fails()
    {
        var store = Store(new FailingProjection());
        var ct = TestContext.Current.CancellationToken;

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync("s", "test", ExpectedVersion.NoStream, Events(2), ct));

        Assert.Null(await store.StreamVersionAsync("s", ct));
        Assert.Equal(0L, await Db.ScalarAsync<long>("select count(*) from events"));
    }

    [Fact]
    public async Task Should_append_facts_without_versions_and_skip_ids_already_stored()
    {
        var store = Store();
        var ct = TestContext.Current.CancellationToken;
        var batch = Events(100, "usage.recorded");

        Assert.Equal(100, await store.AppendFactsAsync("usage", "usage", batch, ct));
        Assert.Equal(50, await store.AppendFactsAsync("usage", "usage", [.. batch[50..], .. Events(50, "usage.recorded")], ct));

        Assert.Equal(150L, await Db.ScalarAsync<long>("select count(*) from events where stream_id = 'usage' and version is null"));
        Assert.Equal(0L, await Db.ScalarAsync<long>("select version from streams where id = 'usage'"));
        var read = await store.ReadStreamAsync("usage", 0, ct);
        Assert.Equal(batch.Select(e => e.Id), read.Take(100).Select(e => e.Id));
    }

    [Fact]
    public async Task Should_keep_versioned_appends_working_on_a_stream_that_also_takes_facts()
    {
        var store = Store();
        var ct = TestContext.Current.CancellationToken;
        await store.AppendFactsAsync("mixed", "test", Events(3), ct);

        var result = await store.AppendAsync("mixed", "test", ExpectedVersion.Any, Events(2), ct);

        Assert.Equal(2, result.Version);
        Assert.Equal(5L, await Db.ScalarAsync<long>("select count(*) from events where stream_id = 'mixed'"));
    }

    /// <summary>Releases <paramref name="writers"/> calls together; each outcome is null (success) or what it threw.</summary>
    private static async Task<Exception?[]> AllAtOnceAsync(int writers, Func<Task> append)
    {
        using var start = new Barrier(writers);
        return await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait();
            try
            {
                await append();
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        })));
    }

    private sealed class CountingProjection : IInlineProjection
    {
        public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand(
                "insert into counts values ($1, $2) on conflict (stream_id) do update set n = counts.n + excluded.n", connection, transaction);
            cmd.Parameters.Add(new() { Value = events[0].StreamId });
            cmd.Parameters.Add(new() { Value = (long)events.Count });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private sealed class FailingProjection : IInlineProjection
    {
        public Task ApplyAsync(IReadOnlyList<StoredEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
            throw new InvalidOperationException("read model rejected the event");
    }
}

using Gateway.Host.Persistence.Migrations;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Host.Tests.Persistence;

public sealed class MigratorTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public ValueTask InitializeAsync()
    {
        _db = postgres.NewSchema(nameof(MigratorTests));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private Migrator NewMigrator() => new(_db.DataSource, _db.Schema, NullLogger<Migrator>.Instance);

    [Fact]
    public async Task Should_apply_every_migration_in_order_and_record_it_with_its_checksum()
    {
        var applied = await NewMigrator().ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Migrator.Embedded.Select(m => $"{m.Version:D4}_{m.Name}"), applied);
        Assert.True(Migrator.Embedded.Count >= 2);
        Assert.Equal((long)Migrator.Embedded.Count, await _db.ScalarAsync<long>("select count(*) from schema_migrations"));
        Assert.Equal(Migrator.Embedded[0].Checksum, await _db.ScalarAsync<string>("select checksum from schema_migrations where version = 1"));
        Assert.Equal(1L, await _db.ScalarAsync<long>($"select count(*) from information_schema.tables where table_schema = '{_db.Schema}' and table_name = 'events'"));
    }

    [Fact]
    public async Task Should_apply_nothing_when_run_again()
    {
        await NewMigrator().ApplyAsync(TestContext.Current.CancellationToken);

        var again = await NewMigrator().ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Empty(again);
    }

    [Fact]
    public async Task Should_apply_each_migration_once_when_five_instances_migrate_at_the_same_moment()
    {
        using var start = new Barrier(5);
        var runs = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait();
            return await NewMigrator().ApplyAsync(TestContext.Current.CancellationToken);
        })));

        Assert.Single(runs, r => r.Count == Migrator.Embedded.Count);
        Assert.Equal(4, runs.Count(r => r.Count == 0));
        Assert.Equal((long)Migrator.Embedded.Count, await _db.ScalarAsync<long>("select count(*) from schema_migrations"));
    }

    [Fact]
    public async Task Should_refuse_to_run_when_an_applied_migration_was_changed_afterwards()
    {
        await NewMigrator().ApplyAsync(TestContext.Current.CancellationToken);
        await _db.ExecuteAsync("update schema_migrations set checksum = 'edited' where version = 1");

        var error = await Assert.ThrowsAsync<MigrationException>(() => NewMigrator().ApplyAsync(TestContext.Current.CancellationToken));

        Assert.Contains("0001_event_store was changed after it was applied", error.Message, StringComparison.Ordinal);
    }
}

using Gateway.Host.Persistence.Migrations;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Host.Tests.Persistence;

/// <summary>Migration 0014 turns a usage_records that already holds rows into day partitions, every row kept as it was.</summary>
public sealed class UsagePartitionMigrationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Partitioning = 14;

    /// <summary>Every row, every column, as text: what must read the same before and after.</summary>
    private const string Rows = "select string_agg(to_jsonb(u)::text, E'\\n' order by id) from usage_records u";

    private TestDatabase _db = null!;

    public ValueTask InitializeAsync()
    {
        _db = postgres.NewSchema(nameof(UsagePartitionMigrationTests));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<Migrator.Migration>? migrations = null) =>
        new Migrator(_db.DataSource, _db.Schema, NullLogger<Migrator>.Instance, migrations).ApplyAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task Should_keep_every_stored_row_and_put_each_in_the_partition_of_its_utc_day()
    {
        await ApplyAsync([.. Migrator.Embedded.Where(m => m.Version < Partitioning)]);
        await _db.ExecuteAsync("""
            insert into usage_records (id, at, request_id, org_id, user_id, key_id, dialect, endpoint, requested_model, provider, model,
                upstream_key_id, status, stream, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cached_tokens, usage_estimated, client_cancelled,
                cost, attempts, instance_id, charges, cache_write_5m_tokens, input_cost)
            select gen_random_uuid(), timestamptz '2026-02-27 23:00:00+00' + i * interval '37 minutes', 'req-' || i, 'org_' || i % 3,
                case when i % 2 = 0 then 'usr_1' end, 'key_' || i % 4, 'openai', '/v1/chat/completions', 'fake:m', 'fake', 'm', 'upk_1',
                200 + i % 2 * 300, i % 3 = 0, 10.5 + i, case when i % 5 = 0 then 1.25 end, i, 2 * i, 0, false, i % 7 = 0,
                0.0000000001 * i, jsonb_build_array(jsonb_build_object('provider', 'fake', 'status', 200)), 'inst', '[]', i % 4, 0.00001 * i
            from generate_series(1, 200) as i
            """);
        var before = await _db.ScalarAsync<string>(Rows);

        await ApplyAsync();

        Assert.Equal(before, await _db.ScalarAsync<string>(Rows));
        Assert.Equal(200L, await _db.ScalarAsync<long>("select count(*) from usage_records"));
        Assert.Equal(0L, await _db.ScalarAsync<long>(
            "select count(*) from usage_records where tableoid::regclass::text <> 'usage_records_p' || to_char(at at time zone 'UTC', 'YYYYMMDD')"));
        Assert.Equal(
            [
                "usage_records_default", "usage_records_p20260227", "usage_records_p20260228", "usage_records_p20260301", "usage_records_p20260302",
                "usage_records_p20260303", "usage_records_p20260304", "usage_records_p20260305",
            ],
            await _db.ScalarAsync<string[]>("select array_agg(c.relname::text order by c.relname) from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'usage_records'::regclass"));
        Assert.Equal("PRIMARY KEY (id, at)", await _db.ScalarAsync<string>("select pg_get_constraintdef(oid) from pg_constraint where conrelid = 'usage_records'::regclass and contype = 'p'"));
        Assert.Equal(5L, await _db.ScalarAsync<long>("select count(*) from pg_indexes where tablename = 'usage_records_p20260301' and schemaname = current_schema()"));
        Assert.Equal(0L, await _db.ScalarAsync<long>("select count(*) from pg_class where relname = 'usage_records_unpartitioned' and relnamespace = current_schema()::regnamespace"));
    }

    [Fact]
    public async Task Should_partition_an_empty_usage_records_with_only_its_default_partition()
    {
        await ApplyAsync();

        Assert.Equal("p", await _db.ScalarAsync<string>("select relkind::text from pg_class where oid = 'usage_records'::regclass"));
        Assert.Equal(["usage_records_default"], await _db.ScalarAsync<string[]>(
            "select array_agg(c.relname::text) from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'usage_records'::regclass"));
    }
}

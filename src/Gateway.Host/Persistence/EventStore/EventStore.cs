using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Gateway.Host.Persistence.EventStore;

/// <summary>
/// Append-only event streams in PostgreSQL. Versioned appends check the writer's expected version under
/// a per-stream lock taken before anything is written; facts take a lock-free fast path.
/// </summary>
internal sealed class EventStore(NpgsqlDataSource dataSource, JsonSerializerOptions json, IEnumerable<IInlineProjection> inlineProjections)
{
    /// <summary>Async projections listen here; the payload is the schema, so tenants of one database stay apart.</summary>
    internal const string NotifyChannel = "gateway_events";

    private const string NotifySql = $"select pg_notify('{NotifyChannel}', current_schema())";

    private const string EventColumns = "seq, tx, id, stream_id, version, type, data::text, metadata::text, created_at";

    private readonly IInlineProjection[] _inline = [.. inlineProjections];

    internal sealed record AppendResult(long Version, bool AlreadyApplied);

    /// <summary>
    /// Appends to a stream if it is where the writer expects it. Retrying an append whose events are
    /// all stored already is a no-op that returns the stream's version.
    /// </summary>
    /// <exception cref="ConcurrencyException">The stream is not at <paramref name="expected"/>.</exception>
    public async Task<AppendResult> AppendAsync(
        string streamId, string streamType, ExpectedVersion expected, IReadOnlyList<NewEvent> events, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfZero(events.Count);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        // The lock comes first and assigns no transaction id, so the xid, the version check and the
        // sequence numbers all follow the previous writer's commit: one stream's events can never be
        // seen out of order by (tx, seq), and the check happens before any seq is drawn.
        await using (var lockStream = new NpgsqlCommand(
            "select pg_advisory_xact_lock(hashtext(current_schema()), hashtext($1))", conn, tx))
        {
            lockStream.Parameters.Add(new() { Value = streamId });
            await lockStream.ExecuteNonQueryAsync(ct);
        }

        var actual = await CurrentVersionAsync(conn, tx, streamId, ct);
        if (await AlreadyStoredAsync(conn, tx, streamId, events, ct))
        {
            await tx.CommitAsync(ct);
            return new AppendResult(actual ?? 0, AlreadyApplied: true);
        }

        if (!expected.IsSatisfiedBy(actual))
            throw new ConcurrencyException(streamId, expected, actual);

        var start = actual ?? 0;
        var newVersion = start + events.Count;
        await using (var upsert = new NpgsqlCommand(
            actual is null
                ? "insert into streams (id, type, tenant_id, version) values ($1, $2, $3, $4)"
                : "update streams set version = $4, updated_at = now() where id = $1", conn, tx))
        {
            // Typed: the update branch does not use $2 and $3, and an untyped null cannot be inferred.
            upsert.Parameters.Add(new() { Value = streamId });
            upsert.Parameters.Add(new() { Value = streamType, NpgsqlDbType = NpgsqlDbType.Text });
            upsert.Parameters.Add(new() { Value = (object?)events[0].Metadata.TenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            upsert.Parameters.Add(new() { Value = newVersion });
            await upsert.ExecuteNonQueryAsync(ct);
        }

        var stored = await InsertAsync(conn, tx, streamId, events, firstVersion: start + 1, ct);
        foreach (var projection in _inline)
            await projection.ApplyAsync(stored, conn, tx, ct);
        await NotifyAsync(conn, tx, ct);
        await tx.CommitAsync(ct);
        return new AppendResult(newVersion, AlreadyApplied: false);
    }

    /// <summary>
    /// The fast path for high-volume facts (usage records): no version, no stream lock, one round trip.
    /// Events whose id is already stored are skipped, so replaying a spool cannot double-count.
    /// </summary>
    /// <returns>How many events were new.</returns>
    public async Task<int> AppendFactsAsync(string streamId, string streamType, IReadOnlyList<NewEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
            return 0;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn);
        var ensureStream = new NpgsqlBatchCommand("insert into streams (id, type) values ($1, $2) on conflict (id) do nothing");
        ensureStream.Parameters.Add(new() { Value = streamId });
        ensureStream.Parameters.Add(new() { Value = streamType });
        batch.BatchCommands.Add(ensureStream);
        var insert = InsertCommand(streamId, events, firstVersion: null, factPath: true);
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(NotifySql));
        // A batch without a transaction runs as one implicit transaction: all of it or none.
        await batch.ExecuteNonQueryAsync(ct);
        return insert.RecordsAffected;
    }

    /// <summary>The events of one stream from a version on, in version order.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"select {EventColumns} from events where stream_id = $1 and (version >= $2 or version is null) order by tx, seq", conn);
        cmd.Parameters.Add(new() { Value = streamId });
        cmd.Parameters.Add(new() { Value = fromVersion });
        return await ReadAllAsync(cmd, ct);
    }

    /// <summary>The stream's version, or null when it does not exist.</summary>
    public async Task<long?> StreamVersionAsync(string streamId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await CurrentVersionAsync(conn, null, streamId, ct);
    }

    internal static async Task<List<StoredEvent>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var events = new List<StoredEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            events.Add(Read(reader));
        return events;
    }

    internal static string SelectEventColumns => EventColumns;

    private static StoredEvent Read(NpgsqlDataReader r) => new(
        r.GetInt64(0),
        r.GetFieldValue<ulong>(1),
        r.GetGuid(2),
        r.GetString(3),
        r.IsDBNull(4) ? null : r.GetInt64(4),
        r.GetString(5),
        r.GetString(6),
        JsonSerializer.Deserialize(r.GetString(7), EventStoreJson.Default.EventMetadata)!,
        r.GetFieldValue<DateTimeOffset>(8));

    private static async Task<long?> CurrentVersionAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string streamId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select version from streams where id = $1", conn, tx);
        cmd.Parameters.Add(new() { Value = streamId });
        return await cmd.ExecuteScalarAsync(ct) is long version ? version : null;
    }

    /// <summary>True when every event is already in this stream (a retry); throws when ids are reused elsewhere.</summary>
    private static async Task<bool> AlreadyStoredAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, string streamId, IReadOnlyList<NewEvent> events, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select id, stream_id from events where id = any($1)", conn, tx);
        cmd.Parameters.Add(new() { Value = events.Select(e => e.Id).ToArray() });
        var found = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (reader.GetString(1) != streamId)
                throw new DuplicateEventException(reader.GetGuid(0), streamId);
            found++;
        }

        return found switch
        {
            0 => false,
            _ when found == events.Count => true,
            _ => throw new DuplicateEventException(events[0].Id, streamId),
        };
    }

    private async Task<List<StoredEvent>> InsertAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, string streamId, IReadOnlyList<NewEvent> events,
        long firstVersion, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        batch.BatchCommands.Add(InsertCommand(streamId, events, firstVersion, factPath: false));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var stored = new List<StoredEvent>(events.Count);
        var byId = events.ToDictionary(e => e.Id);
        while (await reader.ReadAsync(ct))
        {
            var e = byId[reader.GetGuid(2)];
            stored.Add(new StoredEvent(
                reader.GetInt64(0), reader.GetFieldValue<ulong>(1), e.Id, streamId,
                reader.IsDBNull(3) ? null : reader.GetInt64(3), e.Type, Serialize(e.Data), e.Metadata,
                reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return stored;
    }

    /// <param name="factPath">Facts skip ids already stored (idempotent replay) and need nothing back.</param>
    private NpgsqlBatchCommand InsertCommand(string streamId, IReadOnlyList<NewEvent> events, long? firstVersion, bool factPath)
    {
        // One statement for the whole append: unnest keeps it a single round trip whatever the count,
        // and "with ordinality" keeps seq in the order the caller gave.
        var cmd = new NpgsqlBatchCommand($"""
            insert into events (id, stream_id, version, type, data, metadata, tenant_id)
            select u.id, $1, u.version, u.type, u.data, u.metadata, u.tenant_id
            from unnest($2::uuid[], $3::bigint[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[])
                 with ordinality as u(id, version, type, data, metadata, tenant_id, ord)
            order by u.ord
            {(factPath ? "on conflict (id) do nothing" : "returning seq, tx, id, version, created_at")}
            """);
        cmd.Parameters.Add(new() { Value = streamId });
        cmd.Parameters.Add(new() { Value = events.Select(e => e.Id).ToArray() });
        cmd.Parameters.Add(new()
        {
            Value = events.Select((_, i) => firstVersion is null ? (long?)null : firstVersion + i).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint,
        });
        cmd.Parameters.Add(new() { Value = events.Select(e => e.Type).ToArray() });
        cmd.Parameters.Add(new() { Value = events.Select(e => Serialize(e.Data)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new()
        {
            Value = events.Select(e => JsonSerializer.Serialize(e.Metadata, EventStoreJson.Default.EventMetadata)).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
        cmd.Parameters.Add(new() { Value = events.Select(e => e.Metadata.TenantId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return cmd;
    }

    private string Serialize(object data) => JsonSerializer.Serialize(data, data.GetType(), json);

    private static async Task NotifyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(NotifySql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

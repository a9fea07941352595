using Gateway.Domain.Upstreams;
using Npgsql;
using NpgsqlTypes;

namespace Gateway.Host.Features.Providers;

/// <summary>
/// Stores what the pools learned (<see cref="PoolVerdictQueue"/>) in <c>pool_key_state</c> and tells every instance, by
/// NOTIFY in the same transaction, which providers' rows changed (<see cref="PoolStateStore"/> applies them there). Writes
/// whatever has gathered in one transaction, and deletes the cooldowns that have ended on the way.
/// </summary>
internal sealed partial class PoolStateWriter(PoolVerdictQueue queue, NpgsqlDataSource dataSource, TimeProvider time, ILogger<PoolStateWriter> logger)
    : BackgroundService
{
    private const int MaxBatch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
                await TryWriteAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await TryWriteAsync(cancellationToken);
    }

    private async Task TryWriteAsync(CancellationToken ct)
    {
        var batch = new List<LearnedVerdict>();
        while (batch.Count < MaxBatch && queue.Reader.TryRead(out var learned))
            batch.Add(learned);
        if (batch.Count == 0)
            return;
        try
        {
            await WriteAsync(batch, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogWriteFailed(e, batch.Count);
        }
    }

    private async Task WriteAsync(List<LearnedVerdict> batch, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // One row per conflict target: an upsert may not touch the same row twice.
        var cooldowns = batch.Where(b => b.Verdict.Kind != PoolVerdictKind.Disabled)
            .GroupBy(b => (b.Provider, b.Verdict.Scope, b.Verdict.Group)).Select(g => g.MaxBy(b => b.Verdict.Until)!).ToList();
        var disabled = batch.Where(b => b.Verdict.Kind == PoolVerdictKind.Disabled)
            .GroupBy(b => (b.Provider, b.Verdict.KeyId)).Select(g => g.Last()).ToList();

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var write = new NpgsqlBatch(connection, transaction);
        write.BatchCommands.Add(Command("delete from pool_key_state where until <= $1", now.ToUniversalTime()));
        if (cooldowns.Count > 0)
        {
            write.BatchCommands.Add(Rows("""
                on conflict (provider, scope, quota_group) where kind <> 'disabled' do update
                set kind = excluded.kind, key_id = excluded.key_id, until = excluded.until, reason = excluded.reason, updated_at = excluded.updated_at
                where pool_key_state.until < excluded.until
                """, cooldowns, now));
        }

        if (disabled.Count > 0)
        {
            write.BatchCommands.Add(Rows("""
                on conflict (provider, key_id) where kind = 'disabled' do update
                set scope = excluded.scope, quota_group = excluded.quota_group, reason = excluded.reason, updated_at = excluded.updated_at
                """, disabled, now));
        }

        write.BatchCommands.Add(Command(
            $"select pg_notify('{PoolStateStore.Channel}', current_schema() || '|' || p) from unnest($1::text[]) as p",
            (object)batch.Select(b => b.Provider).Distinct().ToArray()));
        await write.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <remarks>Times go in as UTC: a daily reset comes in the provider's quota zone, which timestamptz will not take from Npgsql.</remarks>
    private static NpgsqlBatchCommand Rows(string onConflict, List<LearnedVerdict> rows, DateTimeOffset now)
    {
        var command = Command(
            """
            insert into pool_key_state (provider, kind, scope, quota_group, key_id, until, reason, updated_at)
            select *, $8 from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
            """ + "\n" + onConflict,
            rows.Select(r => r.Provider).ToArray(), rows.Select(r => PoolStateRows.KindName(r.Verdict.Kind)).ToArray(), rows.Select(r => r.Verdict.Scope).ToArray(),
            rows.Select(r => r.Verdict.Group).ToArray(), rows.Select(r => r.Verdict.KeyId).ToArray());
        command.Parameters.Add(new() { Value = rows.Select(r => r.Verdict.Until?.ToUniversalTime()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = rows.Select(r => r.Verdict.Reason).ToArray() });
        command.Parameters.Add(new() { Value = now.ToUniversalTime() });
        return command;
    }

    /// <param name="values">One parameter each: an array given alone must be cast to object, or it would be taken for the list.</param>
    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(new() { Value = value });
        return command;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store {Count} key-pool verdicts; the other instances will not learn them from here")]
    private partial void LogWriteFailed(Exception exception, int count);
}

using Gateway.Domain.Upstreams.Sharing;
using Npgsql;

namespace Gateway.Host.Features.Upstreams.Sharing;

/// <summary>The store of shared windows (<c>pool_quota_grants</c>): grants under the window's lock, closings, overspend.</summary>
internal sealed class QuotaGrants(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// In one transaction under the window's advisory lock: closes this instance's grants the want hands back, records
    /// its overspend, counts what the window holds, and grants what <see cref="QuotaSizing.Grant"/> allows.
    /// </summary>
    public async Task<QuotaGrant> GrantAsync(QuotaWant want, string instance, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await LockAsync(conn, tx, want.Key, ct);
        await CloseAsync(conn, tx, want.Closings, instance, ct);

        long counted, elsewhere;
        DateTimeOffset? freeAt;
        await using (var count = new NpgsqlCommand("""
            select coalesce(sum(units), 0)::bigint, min(counts_until), coalesce(sum(units) filter (where instance_id <> $6 and not closed), 0)::bigint
            from pool_quota_grants
            where owner = $1 and scope = $2 and quota_group = $3 and dimension = $4 and counts_until > $5 and units > 0
            """, conn, tx))
        {
            AddWindow(count, want.Key);
            count.Parameters.Add(new() { Value = want.Now });
            count.Parameters.Add(new() { Value = instance });
            await using var r = await count.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            (counted, freeAt, elsewhere) = (r.GetInt64(0), r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1), r.GetInt64(2));
        }

        var units = QuotaSizing.Grant(want.Limit, counted, want.Shortfall, want.Extra, want.Forced);
        long id = 0;
        if (units > 0)
        {
            await using var insert = new NpgsqlCommand("""
                insert into pool_quota_grants (owner, scope, quota_group, dimension, instance_id, granted_at, counts_until, units, closed)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id
                """, conn, tx);
            AddWindow(insert, want.Key);
            // Only overspend, with nothing left to spend: closed at once, so nobody asks this instance to give it back.
            foreach (var value in new object[] { instance, want.Now, want.CountsUntil, units, units == want.Forced })
                insert.Parameters.Add(new() { Value = value });
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }

        await using (var sweep = new NpgsqlCommand(
            "delete from pool_quota_grants where owner = $1 and scope = $2 and quota_group = $3 and dimension = $4 and counts_until <= $5", conn, tx))
        {
            AddWindow(sweep, want.Key);
            sweep.Parameters.Add(new() { Value = want.Now });
            await sweep.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return new QuotaGrant(id, units, freeAt, elsewhere);
    }

    /// <summary>Closes grants and records overspend without granting: what a request does not wait for.</summary>
    public async Task SettleAsync(QuotaSettlement settlement, string instance, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await CloseAsync(conn, tx, settlement.Closings, instance, ct);
        if (settlement.Forced > 0)
        {
            await LockAsync(conn, tx, settlement.Key, ct);
            await using var insert = new NpgsqlCommand("""
                insert into pool_quota_grants (owner, scope, quota_group, dimension, instance_id, granted_at, counts_until, units, closed)
                values ($1, $2, $3, $4, $5, $6, $6 + interval '60 seconds', $7, true)
                """, conn, tx);
            AddWindow(insert, settlement.Key);
            foreach (var value in new object[] { instance, settlement.Now, settlement.Forced })
                insert.Parameters.Add(new() { Value = value });
            await insert.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>Every grant that counts in a window now, by instance: what an operator (or a test) sees of a shared limit.</summary>
    public async Task<long> CountedAsync(QuotaKey key, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "select coalesce(sum(units), 0)::bigint from pool_quota_grants where owner = $1 and scope = $2 and quota_group = $3 and dimension = $4 and counts_until > $5");
        AddWindow(cmd, key);
        cmd.Parameters.Add(new() { Value = now });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, QuotaKey key, CancellationToken ct)
    {
        // The schema is part of the lock's name: instances on other schemas of one database never queue on each other.
        await using var cmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(current_schema() || '|' || $1, 0))", conn, tx);
        cmd.Parameters.Add(new() { Value = key.ToString() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task CloseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<QuotaClosing> closings, string instance, CancellationToken ct)
    {
        if (closings.Count == 0)
            return;
        await using var cmd = new NpgsqlCommand("""
            update pool_quota_grants g set units = greatest(0, g.units - c.unused), counts_until = least(g.counts_until, c.until), closed = true
            from unnest($1::bigint[], $2::bigint[], $3::timestamptz[]) c(id, unused, until)
            where g.id = c.id and g.instance_id = $4
            """, conn, tx);
        cmd.Parameters.Add(new() { Value = closings.Select(c => c.GrantId).ToArray() });
        cmd.Parameters.Add(new() { Value = closings.Select(c => c.Unused).ToArray() });
        cmd.Parameters.Add(new() { Value = closings.Select(c => c.CountsUntil).ToArray() });
        cmd.Parameters.Add(new() { Value = instance });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddWindow(NpgsqlCommand cmd, QuotaKey key)
    {
        cmd.Parameters.Add(new() { Value = key.Owner });
        cmd.Parameters.Add(new() { Value = key.Scope });
        cmd.Parameters.Add(new() { Value = key.Group });
        cmd.Parameters.Add(new() { Value = DimensionName(key.Dimension) });
    }

    public static string DimensionName(QuotaDimension dimension) => dimension switch
    {
        QuotaDimension.RequestsPerMinute => "requests_per_minute",
        QuotaDimension.RequestsPerDay => "requests_per_day",
        QuotaDimension.TokensPerMinute => "tokens_per_minute",
    };
}

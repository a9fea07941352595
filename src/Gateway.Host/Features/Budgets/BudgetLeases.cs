using Gateway.Domain.Budgets;
using Npgsql;

namespace Gateway.Host.Features.Budgets;

/// <summary>The database side of budget leases: grant headroom, give it back, keep it alive, sweep what is dead, read a period.</summary>
internal sealed class BudgetLeases(NpgsqlDataSource dataSource)
{
    /// <summary>How long a lease lives without renewal: an instance that dies gives its headroom back after this.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    internal sealed record PeriodState(Spend Spent, Spend Leased)
    {
        /// <summary>What no instance holds and nothing has spent: the most that may still be leased.</summary>
        public Spend Left(Budget budget) => (budget.Limit - Spent - Leased).AtLeastZero;
    }

    /// <summary>A period's stored spend, and the instances with a live, non-empty lease on it.</summary>
    internal sealed record Holdings(Spend Spent, IReadOnlySet<string> Holders);

    /// <summary>
    /// Grants the <paramref name="shortfall"/> and up to <paramref name="extra"/> more of what the period has left (limit
    /// minus spend minus live leases), as <see cref="LeaseSizing.Grant"/> says, under a row lock so concurrent grants on
    /// any instance never promise the same headroom twice.
    /// </summary>
    public async Task<Spend> GrantAsync(Budget budget, DateTimeOffset periodStart, string instance, Spend shortfall, Spend extra, CancellationToken ct)
    {
        // The usage writer locks periods before leases too, so the two queue rather than deadlock; a
        // deadlock with anything else touching these rows aborts the grant, which is simply tried again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryGrantAsync(budget, periodStart, instance, shortfall, extra, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
            }
        }
    }

    private async Task<Spend> TryGrantAsync(Budget budget, DateTimeOffset periodStart, string instance, Spend shortfall, Spend extra, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var ensure = new NpgsqlCommand(
            """
            insert into budget_periods (budget_id, period_start) values ($1, $2)
            on conflict (budget_id, period_start) do update set spent_usd = budget_periods.spent_usd
            """, conn, tx))
        {
            // An upsert that always writes the row: it holds the period's row lock until commit, so
            // grants for one period (from any instance) queue here one at a time.
            ensure.Parameters.Add(new() { Value = budget.Id });
            ensure.Parameters.Add(new() { Value = periodStart });
            await ensure.ExecuteNonQueryAsync(ct);
        }

        var state = await ReadAsync(conn, tx, budget.Id, periodStart, ct);
        var grant = LeaseSizing.Grant(shortfall, extra, state.Left(budget));
        await using (var upsert = new NpgsqlCommand("""
            insert into budget_leases (budget_id, period_start, instance_id, usd, tokens, requests, expires_at)
            values ($1, $2, $3, $4, $5, $6, now() + $7)
            on conflict (budget_id, period_start, instance_id) do update set
                usd = case when budget_leases.expires_at > now() then budget_leases.usd else 0 end + excluded.usd,
                tokens = case when budget_leases.expires_at > now() then budget_leases.tokens else 0 end + excluded.tokens,
                requests = case when budget_leases.expires_at > now() then budget_leases.requests else 0 end + excluded.requests,
                expires_at = excluded.expires_at
            """, conn, tx))
        {
            foreach (var value in new object[] { budget.Id, periodStart, instance, grant.Usd, grant.Tokens, grant.Requests, Lifetime })
                upsert.Parameters.Add(new() { Value = value });
            await upsert.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return grant;
    }

    /// <summary>Gives unused headroom back so other instances can lease it.</summary>
    public async Task ReturnAsync(string budgetId, DateTimeOffset periodStart, string instance, Spend unused, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            update budget_leases set usd = greatest(0, usd - $4), tokens = greatest(0, tokens - $5), requests = greatest(0, requests - $6)
            where budget_id = $1 and period_start = $2 and instance_id = $3
            """);
        foreach (var value in new object[] { budgetId, periodStart, instance, unused.Usd, unused.Tokens, unused.Requests })
            cmd.Parameters.Add(new() { Value = value });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Keeps this instance's leases alive; returns false when one had lapsed (its headroom may be gone).</summary>
    public async Task RenewAsync(string instance, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("update budget_leases set expires_at = now() + $2 where instance_id = $1 and expires_at > now()");
        cmd.Parameters.Add(new() { Value = instance });
        cmd.Parameters.Add(new() { Value = Lifetime });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>At shutdown, after the last usage is stored: every lease of this instance goes back.</summary>
    public async Task ReleaseAllAsync(string instance, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("delete from budget_leases where instance_id = $1");
        cmd.Parameters.Add(new() { Value = instance });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Deletes leases that hold nothing anyone can use: lapsed ones (already counted as zero, left
    /// behind by an instance that died), those of removed budgets, and those of periods that have
    /// ended (nothing is admitted into a past period, yet a live holder renews its row for as long as it runs).
    /// </summary>
    /// <param name="ended">Whether the period a budget started then is over; answer false when unsure.</param>
    /// <returns>How many leases were deleted.</returns>
    public async Task<int> SweepAsync(Func<string, DateTimeOffset, bool> ended, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var budgetIds = new List<string>();
        var starts = new List<DateTimeOffset>();
        await using (var periods = new NpgsqlCommand("select distinct budget_id, period_start from budget_leases where expires_at > now()", conn))
        await using (var r = await periods.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var (budgetId, start) = (r.GetString(0), r.GetFieldValue<DateTimeOffset>(1));
                if (ended(budgetId, start))
                {
                    budgetIds.Add(budgetId);
                    starts.Add(start);
                }
            }
        }

        // A lease renewed or granted meanwhile is re-checked by the delete itself (read committed
        // re-evaluates a row updated under it), so a lease that just came alive is never taken.
        await using var delete = new NpgsqlCommand("""
            delete from budget_leases l
            where l.expires_at <= now()
               or exists (select 1 from budgets b where b.id = l.budget_id and b.removed)
               or (l.budget_id, l.period_start) in (select * from unnest($1::text[], $2::timestamptz[]))
            """, conn);
        delete.Parameters.Add(new() { Value = budgetIds.ToArray() });
        delete.Parameters.Add(new() { Value = starts.ToArray() });
        return await delete.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Who holds a period's headroom: read when a grant came back short, to know whom to ask to give some back.</summary>
    public async Task<Holdings> HoldingsAsync(string budgetId, DateTimeOffset periodStart, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select coalesce(p.spent_usd, 0), coalesce(p.spent_tokens, 0), coalesce(p.spent_requests, 0), l.instance_id
            from (select $1::text as budget_id, $2::timestamptz as period_start) k
            left join budget_periods p on p.budget_id = k.budget_id and p.period_start = k.period_start
            left join budget_leases l on l.budget_id = k.budget_id and l.period_start = k.period_start and l.expires_at > now()
                                     and (l.usd > 0 or l.tokens > 0 or l.requests > 0)
            """);
        cmd.Parameters.Add(new() { Value = budgetId });
        cmd.Parameters.Add(new() { Value = periodStart });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var spent = Spend.Zero;
        var holders = new HashSet<string>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct))
        {
            spent = new Spend(r.GetDecimal(0), r.GetInt64(1), r.GetInt64(2));
            if (!r.IsDBNull(3))
                holders.Add(r.GetString(3));
        }

        return new Holdings(spent, holders);
    }

    public async Task<PeriodState> ReadAsync(string budgetId, DateTimeOffset periodStart, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await ReadAsync(conn, null, budgetId, periodStart, ct);
    }

    private static async Task<PeriodState> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string budgetId, DateTimeOffset periodStart, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select coalesce(p.spent_usd, 0), coalesce(p.spent_tokens, 0), coalesce(p.spent_requests, 0),
                   coalesce(l.usd, 0), coalesce(l.tokens, 0)::bigint, coalesce(l.requests, 0)::bigint
            from (select $1::text as budget_id, $2::timestamptz as period_start) k
            left join budget_periods p on p.budget_id = k.budget_id and p.period_start = k.period_start
            left join lateral (select sum(usd) usd, sum(tokens) tokens, sum(requests) requests from budget_leases
                               where budget_id = k.budget_id and period_start = k.period_start and expires_at > now()) l on true
            """, conn, tx);
        cmd.Parameters.Add(new() { Value = budgetId });
        cmd.Parameters.Add(new() { Value = periodStart });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new PeriodState(new Spend(r.GetDecimal(0), r.GetInt64(1), r.GetInt64(2)), new Spend(r.GetDecimal(3), r.GetInt64(4), r.GetInt64(5)));
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gateway.Domain.Budgets;
using Gateway.Host.Persistence.EventStore;
using Npgsql;
using static Gateway.Host.Features.Budgets.BudgetEvents;

namespace Gateway.Host.Features.Budgets;

/// <summary>
/// Raises a budget's alerts once its stored spend reaches its soft threshold or its limit: once per
/// level and period across every instance. Runs after each batch of usage is stored, since stored
/// spend is the only spend every instance agrees on.
/// </summary>
internal sealed class BudgetAlerts(BudgetStore budgets, NpgsqlDataSource dataSource, EventStore store, BudgetWebhooks webhooks, TimeProvider time)
{
    /// <summary>Checks the periods a stored batch was charged to (a replayed batch too: raising is idempotent).</summary>
    public async Task CheckAsync(IReadOnlyCollection<BudgetLedger.Charge> charged, CancellationToken ct)
    {
        var periods = charged.Where(c => budgets.Find(c.BudgetId) is not null).Distinct().ToList();
        if (periods.Count == 0)
            return;
        await using var read = dataSource.CreateCommand("""
            select p.budget_id, p.period_start, p.spent_usd, p.spent_tokens, p.spent_requests, p.alerted_percent
            from budget_periods p join unnest($1::text[], $2::timestamptz[]) as t(budget_id, period_start)
              on p.budget_id = t.budget_id and p.period_start = t.period_start
            """);
        read.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. periods.Select(p => p.BudgetId)] });
        read.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. periods.Select(p => p.PeriodStart.ToUniversalTime())] });
        var due = new List<BudgetAlert>();
        await using (var r = await read.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                if (budgets.Find(r.GetString(0)) is not { } b)
                    continue;
                var spent = new Spend(r.GetDecimal(2), r.GetInt64(3), r.GetInt64(4));
                var raised = r.IsDBNull(5) ? (int?)null : r.GetInt32(5);
                if (BudgetThresholds.Due(b.Budget, spent, raised) is { } level)
                    due.Add(Alert(b.Budget, b.Spec, r.GetFieldValue<DateTimeOffset>(1), level, spent));
            }
        }

        foreach (var alert in due)
            await RaiseAsync(alert, ct);
    }

    /// <summary>
    /// The event first (its id is derived from budget, period and level, so a second append is a
    /// no-op), then the claim on the period row, which exactly one instance wins: the winner calls the webhook.
    /// </summary>
    private async Task RaiseAsync(BudgetAlert alert, CancellationToken ct)
    {
        var metadata = new EventMetadata(alert.OrgId, "gateway", null);
        var id = EventId(alert);
        await store.AppendFactsAsync(alert.BudgetId, StreamType, [new NewEvent(id, Alerted, alert, metadata)], ct);
        await using var claim = dataSource.CreateCommand("""
            update budget_periods set alerted_percent = $3
            where budget_id = $1 and period_start = $2 and coalesce(alerted_percent, 0) < $3
            """);
        claim.Parameters.Add(new() { Value = alert.BudgetId });
        claim.Parameters.Add(new() { Value = alert.PeriodStart.ToUniversalTime() });
        claim.Parameters.Add(new() { Value = alert.Level });
        if (await claim.ExecuteNonQueryAsync(ct) == 1 && budgets.Find(alert.BudgetId)?.Spec.WebhookUrl is { } url)
            webhooks.Enqueue(url, id, alert);
    }

    private BudgetAlert Alert(Budget budget, BudgetSpec spec, DateTimeOffset periodStart, int level, Spend spent)
    {
        var now = time.GetUtcNow();
        return new BudgetAlert(
            budget.Id, budget.Name, budget.OrgId, spec.Scope, spec.ScopeId, spec.Mode, level, decimal.Round(BudgetThresholds.PercentUsed(budget, spent), 2),
            spent.Usd, budget.LimitUsd, spent.Tokens, spent.Requests, periodStart, budget.Period.NextReset(periodStart), now);
    }

    private static Guid EventId(BudgetAlert alert)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"budget-alert|{alert.BudgetId}|{alert.PeriodStart.UtcTicks}|{alert.Level}");
        return new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
    }
}

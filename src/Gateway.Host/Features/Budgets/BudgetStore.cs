using System.Collections.Concurrent;
using System.Text.Json;
using Gateway.Domain.Budgets;
using Gateway.Domain.Tenancy;
using Gateway.Host.Http;
using Gateway.Host.Persistence;
using Npgsql;

namespace Gateway.Host.Features.Budgets;

/// <summary>Every live budget in memory (loaded at start, kept by NOTIFY), so admission reads no table.</summary>
internal sealed class BudgetStore(NpgsqlDataSource dataSource, NotificationListener notifications, ILogger<BudgetStore> logger)
    : NotifiedStore(notifications, BudgetProjection.Channel, logger)
{
    private readonly ConcurrentDictionary<string, (Budget Budget, BudgetSpec Spec, long Version)> _budgets = new(StringComparer.Ordinal);

    public (Budget Budget, BudgetSpec Spec, long Version)? Find(string id) => _budgets.TryGetValue(id, out var b) ? b : null;

    public IEnumerable<(Budget Budget, BudgetSpec Spec, long Version)> All => _budgets.Values;

    /// <summary>Raised with a budget's id after this instance has taken in its new definition or its removal.</summary>
    public event Action<string>? Changed;

    /// <summary>Budgets that count a request by <paramref name="principal"/> to any of <paramref name="targets"/>.</summary>
    public List<Budget> ApplyingTo(Principal principal, IEnumerable<(string Provider, string Model)> targets)
    {
        if (_budgets.IsEmpty || principal.OrgId is null)
            return [];
        var found = new List<Budget>();
        foreach (var (budget, _, _) in _budgets.Values)
        {
            if (budget.OrgId == principal.OrgId && targets.Any(t => budget.AppliesTo(principal, t.Provider, t.Model)))
                found.Add(budget);
        }

        return found;
    }

    protected override async Task ApplyUnderGateAsync(string? id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select id, spec::text, removed, version from budgets where $1::text is null or id = $1");
        cmd.Parameters.Add(new() { Value = (object?)id ?? DBNull.Value });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var budgetId = r.GetString(0);
            if (r.GetBoolean(2))
            {
                if (_budgets.TryRemove(budgetId, out _))
                    Changed?.Invoke(budgetId);
                continue;
            }

            var spec = JsonSerializer.Deserialize<BudgetSpec>(r.GetString(1), GatewayJson.Options)!;
            var version = r.GetInt64(3);
            var known = _budgets.TryGetValue(budgetId, out var before);
            _budgets[budgetId] = (spec.ToBudget(budgetId), spec, version);
            if (known && before.Version != version)
                Changed?.Invoke(budgetId);
        }
    }
}

using Gateway.Domain.Budgets;

namespace Gateway.Host.Features.Budgets;

/// <summary>Budgets are event-sourced; one stream per budget, named by its id.</summary>
internal static class BudgetEvents
{
    public const string Set = "budget.set";
    public const string Deleted = "budget.deleted";

    /// <summary>A fact (unversioned) on the budget's stream: a threshold or the limit was reached.</summary>
    public const string Alerted = "budget.alert";
    public const string StreamType = "budget";

    internal sealed record BudgetSet(string Id, BudgetSpec Spec);

    internal sealed record BudgetDeleted(string Id);
}

/// <summary>A budget crossed its soft threshold or reached its limit: stored as an event and sent to its webhook.</summary>
/// <param name="Level">The share of the limit crossed, in percent: the soft threshold, or 100 for the limit.</param>
/// <param name="PercentUsed">How far along the period's spend was when the alert was raised (its furthest quantity).</param>
internal sealed record BudgetAlert(
    string BudgetId, string Name, string OrgId, string Scope, string ScopeId, string Mode, int Level, decimal PercentUsed,
    decimal SpentUsd, decimal LimitUsd, long SpentTokens, long SpentRequests, DateTimeOffset PeriodStart, DateTimeOffset? NextReset,
    DateTimeOffset RaisedAt)
{
    /// <summary>threshold or limit.</summary>
    public string Kind => Level >= Gateway.Domain.Budgets.BudgetThresholds.Limit ? "limit" : "threshold";
}

/// <summary>A budget's definition as the API takes and shows it.</summary>
/// <param name="Scope">organization, user or key.</param>
/// <param name="Period">none, day, week, month (calendar, in time_zone) or duration (every period_hours from the budget's creation).</param>
/// <param name="Mode">block (refuse what would go over) or alert_only.</param>
internal sealed record BudgetSpec(
    string Name, string OrgId, string Scope, string ScopeId, string? Provider, string? ModelPattern, decimal LimitUsd, long? MaxTokens,
    long? MaxRequests, string Period, int? PeriodHours, string TimeZone, int? AlertAtPercent, string? WebhookUrl, string Mode, DateTimeOffset CreatedAt)
{
    public Budget ToBudget(string id) => new(
        id, OrgId, Scope switch { "user" => BudgetScopeKind.User, "key" => BudgetScopeKind.Key, _ => BudgetScopeKind.Organization }, ScopeId,
        Provider, ModelPattern, LimitUsd, MaxTokens, MaxRequests,
        Period switch
        {
            "day" => new BudgetPeriod(PeriodKind.Day, TimeZone: TimeZone),
            "week" => new BudgetPeriod(PeriodKind.Week, TimeZone: TimeZone),
            "month" => new BudgetPeriod(PeriodKind.Month, TimeZone: TimeZone),
            "duration" => new BudgetPeriod(PeriodKind.Duration, TimeSpan.FromHours(PeriodHours ?? 24), CreatedAt),
            _ => BudgetPeriod.Lifetime,
        },
        AlertAtPercent, WebhookUrl, Mode == "alert_only" ? BudgetMode.AlertOnly : BudgetMode.Block, Name);
}

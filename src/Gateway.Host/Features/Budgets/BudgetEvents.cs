using Gateway.Domain.Budgets;

namespace Gateway.Host.Features.Budgets;

/// <summary>Budgets are event-sourced; one stream per budget, named by its id.</summary>
internal static class BudgetEvents
{
    public const string Set = "budget.set";
    public const string Deleted = "budget.deleted";
    public const string StreamType = "budget";

    internal sealed record BudgetSet(string Id, BudgetSpec Spec);

    internal sealed record BudgetDeleted(string Id);
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

using System.Text.Json.Serialization;
using Gateway.Domain.Budgets;

namespace Gateway.Host.Features.Budgets;

/// <summary>Budgets are event-sourced; one stream per budget, named by its id.</summary>
internal static class BudgetEvents
{
    public const string Set = "budget.set";
    public const string Deleted = "budget.deleted";

    /// <summary>A fact (unversioned) on the budget's stream: a threshold or the limit was reached.</summary>
    public const string Alerted = "budget.alert";

    /// <summary>A fact beside an alert: how the post to the budget's webhook ended (<see cref="BudgetAlertDelivery"/>).</summary>
    public const string AlertDelivered = "budget.alert.delivery";
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

    /// <summary>
    /// How the post to the budget's webhook ended: shown by <c>GET /v1/budgets/{id}/alerts</c> only, and
    /// absent there while no outcome is recorded (no webhook_url then, the post still under way, or the
    /// instance stopped first). Never part of the stored event or the webhook body.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BudgetAlertDelivery? Delivery { get; init; }
}

/// <summary>How the post of an alert to its budget's webhook ended, after every attempt.</summary>
/// <param name="AlertId">The id of the <c>budget.alert</c> event delivered.</param>
/// <param name="Status">delivered (a 2xx answer), failed (no 2xx answer after every attempt) or refused (the outbound guard would not send it).</param>
/// <param name="Reason">What the last attempt met, e.g. <c>HTTP 503</c> or <c>hooks.example resolves to 10.0.0.7, a private address; ...</c>; never the URL's path or query.</param>
/// <param name="Host">The webhook's host and port (its path and query may hold tokens and are not kept).</param>
internal sealed record BudgetAlertDelivery(Guid AlertId, string Status, string Reason, int Attempts, DateTimeOffset At, string Host)
{
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Refused = "refused";
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
        id, OrgId, BudgetScopes.Parse(Scope) ?? throw new InvalidOperationException($"budget {id} has the unknown scope '{Scope}'"), ScopeId,
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

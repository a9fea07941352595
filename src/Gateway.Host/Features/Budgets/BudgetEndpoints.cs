using Gateway.Domain.Budgets;
using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Tenancy;
using Gateway.Host.Http;
using Gateway.Host.Persistence.EventStore;
using static Gateway.Host.Features.Budgets.BudgetEvents;

namespace Gateway.Host.Features.Budgets;

/// <summary>
/// <c>/v1/budgets</c>: spending limits on organisations, users and keys. Organisation admins manage
/// their organisation's; the platform admin any. Each answer shows the current period's spend.
/// </summary>
internal static class BudgetEndpoints
{
    /// <param name="Scope">organization, user or key.</param>
    /// <param name="ScopeId">The organisation, user or key limited (for organization: the org_id).</param>
    /// <param name="ModelPattern">Only requests for matching models count (e.g. <c>gemini-*</c>, <c>openai:gpt-4o*</c>).</param>
    /// <param name="Period">none, day, week, month (calendar, in time_zone), or duration (every period_hours from creation).</param>
    /// <param name="AlertAtPercent">Share of the limit at which an alert event is raised once per period.</param>
    /// <param name="Mode">block (default: refuse what would go over) or alert_only.</param>
    internal sealed record CreateBudgetRequest(
        string? Name, string? OrgId, string? Scope, string? ScopeId, string? Provider, string? ModelPattern, decimal? LimitUsd, long? MaxTokens,
        long? MaxRequests, string? Period, int? PeriodHours, string? TimeZone, int? AlertAtPercent, string? WebhookUrl, string? Mode)
    {
        public static CreateBudgetRequest Example { get; } = new(
            "team A monthly", "org_123", "organization", "org_123", null, null, 50m, null, null, "month", null, "Europe/Berlin", 80, null, "block");
    }

    /// <param name="SpentUsd">Stored spend of the current period (requests of the last moments may still be on their way).</param>
    /// <param name="ReservedUsd">Headroom gateway instances have leased for requests in flight and about to come.</param>
    /// <param name="RemainingUsd">Limit minus spent minus reserved.</param>
    internal sealed record BudgetResponse(
        string Id, BudgetSpec Spec, DateTimeOffset PeriodStart, DateTimeOffset? NextReset, decimal SpentUsd, decimal ReservedUsd, decimal RemainingUsd,
        long SpentTokens, long SpentRequests, long Version);

    public static void MapBudgets(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/budgets").WithTags("Budgets");
        group.MapPost("", CreateAsync).WithName("createBudget").WithSummary("Set a spending limit on an organization, a user or a key")
            .Accepts<CreateBudgetRequest>("application/json").Produces<BudgetResponse>(StatusCodes.Status201Created).WithManagementProblems();
        group.MapGet("", ListAsync).WithName("listBudgets").WithSummary("Budgets the caller may see, with the current period's spend")
            .Produces<List<BudgetResponse>>().WithManagementProblems();
        group.MapGet("/{id}", GetAsync).WithName("getBudget").WithSummary("One budget with its spend, reserve and next reset")
            .Produces<BudgetResponse>().WithManagementProblems();
        group.MapDelete("/{id}", DeleteAsync).WithName("deleteBudget").WithSummary("Remove a budget")
            .Produces(StatusCodes.Status204NoContent).WithManagementProblems();
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context, EventStore store, BudgetStore budgets, BudgetLeases leases, TenancyReadStore tenancy, TimeProvider time, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<CreateBudgetRequest>(context.Request, ct);
        if (!body.IsValid)
            return Problems.Validation(body.Errors);
        var r = body.Value!;
        var errors = new FieldErrors();
        if (r.OrgId is null)
            errors.Add("org_id", "is required");
        else if (Problems.Deny(Access.Manage(context.Principal(), r.OrgId), "organization", "manage budgets") is { } denied)
            return denied;
        TenancyRules.Name("name", r.Name, errors, required: true);
        var scope = r.Scope ?? "organization";
        if (scope is not ("organization" or "user" or "key"))
            errors.Add("scope", "must be organization, user or key");
        var scopeId = scope == "organization" ? r.ScopeId ?? r.OrgId : r.ScopeId;
        if (scopeId is null)
            errors.Add("scope_id", "is required for a user or key budget");
        else if (r.OrgId is not null && !await BelongsAsync(tenancy, scope, scopeId, r.OrgId, ct))
            errors.Add("scope_id", $"is not a {scope} of organization {r.OrgId}");
        if (r.LimitUsd is not > 0)
            errors.Add("limit_usd", "is required and must be more than 0");
        if (r.MaxTokens is < 1)
            errors.Add("max_tokens", "must be at least 1");
        if (r.MaxRequests is < 1)
            errors.Add("max_requests", "must be at least 1");
        if (r.ModelPattern is not null && ModelPattern.Validate(r.ModelPattern) is { } patternError)
            errors.Add("model_pattern", patternError);
        var period = r.Period ?? "month";
        if (period is not ("none" or "day" or "week" or "month" or "duration"))
            errors.Add("period", "must be none, day, week, month or duration");
        if (period == "duration" && r.PeriodHours is not (>= 1 and <= 24 * 366))
            errors.Add("period_hours", "is required for a duration period: 1 to 8784 hours");
        var zone = r.TimeZone ?? "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
            errors.Add("time_zone", $"'{zone}' is not a known IANA time zone");
        if (r.AlertAtPercent is not null and not (>= 1 and <= 100))
            errors.Add("alert_at_percent", "must be between 1 and 100");
        if (r.WebhookUrl is not null && (!Uri.TryCreate(r.WebhookUrl, UriKind.Absolute, out var hook) || hook.Scheme is not ("http" or "https")))
            errors.Add("webhook_url", "must be an http(s) URL");
        if (r.Mode is not (null or "block" or "alert_only"))
            errors.Add("mode", "must be block or alert_only");
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var id = ResourceId.New("bdg");
        var spec = new BudgetSpec(r.Name!.Trim(), r.OrgId!, scope, scopeId!, r.Provider, r.ModelPattern, r.LimitUsd!.Value, r.MaxTokens, r.MaxRequests,
            period, r.PeriodHours, zone, r.AlertAtPercent, r.WebhookUrl, r.Mode ?? "block", time.GetUtcNow());
        await store.AppendAsync(id, StreamType, ExpectedVersion.NoStream,
            [NewEvent.Create(Set, new BudgetSet(id, spec), new EventMetadata(spec.OrgId, context.Principal().Actor, context.TraceIdentifier))], ct);
        await budgets.ApplyAsync(id, ct);
        return TypedResults.Created($"/v1/budgets/{id}", await ResponseAsync(budgets.Find(id)!.Value, leases, time, ct));
    }

    private static async Task<IResult> ListAsync(HttpContext context, BudgetStore budgets, BudgetLeases leases, TimeProvider time, string? org_id, CancellationToken ct)
    {
        var principal = context.Principal();
        var visible = budgets.All
            .Where(b => (org_id is null || b.Budget.OrgId == org_id) && Visible(principal, b.Budget))
            .OrderBy(b => b.Budget.Id, StringComparer.Ordinal).ToList();
        var answers = new List<BudgetResponse>(visible.Count);
        foreach (var b in visible)
            answers.Add(await ResponseAsync(b, leases, time, ct));
        return TypedResults.Ok(answers);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, BudgetStore budgets, BudgetLeases leases, TimeProvider time, CancellationToken ct) =>
        budgets.Find(id) is { } b && Visible(context.Principal(), b.Budget)
            ? TypedResults.Ok(await ResponseAsync(b, leases, time, ct))
            : Problems.NotFound("budget");

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, EventStore store, BudgetStore budgets, CancellationToken ct)
    {
        if (budgets.Find(id) is not { } b || Access.Read(context.Principal(), b.Budget.OrgId) == AccessDecision.NotFound)
            return Problems.NotFound("budget");
        if (Problems.Deny(Access.Manage(context.Principal(), b.Budget.OrgId), "budget", "manage budgets") is { } denied)
            return denied;
        await store.AppendAsync(id, StreamType, ExpectedVersion.Any,
            [NewEvent.Create(Deleted, new BudgetDeleted(id), new EventMetadata(b.Budget.OrgId, context.Principal().Actor, context.TraceIdentifier))], ct);
        await budgets.ApplyAsync(id, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Admins see their organisation's budgets; members those on themselves or their key.</summary>
    private static bool Visible(Principal principal, Budget budget) =>
        Access.Manage(principal, budget.OrgId) == AccessDecision.Allowed
        || (principal.OrgId == budget.OrgId && (budget.ScopeId == principal.UserId || budget.ScopeId == principal.KeyId));

    private static async Task<bool> BelongsAsync(TenancyReadStore tenancy, string scope, string scopeId, string orgId, CancellationToken ct) => scope switch
    {
        "organization" => scopeId == orgId && await tenancy.OrganizationAsync(orgId, ct) is not null,
        "user" => (await tenancy.UserAsync(scopeId, ct))?.State.OrgId == orgId,
        _ => (await tenancy.KeyAsync(scopeId, ct))?.State.OrgId == orgId,
    };

    private static async Task<BudgetResponse> ResponseAsync((Budget Budget, BudgetSpec Spec, long Version) b, BudgetLeases leases, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var start = b.Budget.Period.StartOf(now);
        var state = await leases.ReadAsync(b.Budget.Id, start, ct);
        return new BudgetResponse(
            b.Budget.Id, b.Spec, start, b.Budget.Period.NextReset(now), state.Spent.Usd, state.Leased.Usd,
            state.Left(b.Budget).Usd, state.Spent.Tokens, state.Spent.Requests, b.Version);
    }
}

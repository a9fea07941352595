using Gateway.Domain.Budgets;
using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Tenancy;
using Gateway.Host.Http;
using Gateway.Host.Persistence.EventStore;
using Gateway.Tools.Outbound;
using Npgsql;
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

    /// <summary>A change to a budget: absent fields keep their value, null clears an optional one.</summary>
    internal sealed record UpdateBudgetRequest(
        string? Name, string? Provider, string? ModelPattern, decimal? LimitUsd, long? MaxTokens, long? MaxRequests, int? AlertAtPercent,
        string? WebhookUrl, string? Mode)
    {
        public static UpdateBudgetRequest Example { get; } = new(null, null, null, 80m, null, null, 90, null, null);
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
        group.MapPatch("/{id}", UpdateAsync).WithName("updateBudget")
            .WithSummary("Change a budget's name, limits, filters, alert threshold, webhook or mode; honours If-Match")
            .Accepts<UpdateBudgetRequest>("application/json").Produces<BudgetResponse>()
            .WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapGet("/{id}/alerts", AlertsAsync).WithName("listBudgetAlerts")
            .WithSummary("Alerts the budget raised: its soft threshold and its limit, once per period each, newest first, each with how its webhook delivery ended")
            .Produces<List<BudgetAlert>>().WithManagementProblems();
        group.MapGet("/{id}/webhook-secret", WebhookSecret).WithName("getBudgetWebhookSecret")
            .WithSummary("The secret the budget's webhook deliveries are signed with (X-Gateway-Signature: t=..,v1=hex HMAC-SHA256 of \"t.body\"); its managers only")
            .Produces<WebhookSecretResponse>().WithManagementProblems();
        group.MapDelete("/{id}", DeleteAsync).WithName("deleteBudget").WithSummary("Remove a budget")
            .Produces(StatusCodes.Status204NoContent).WithManagementProblems();
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context, EventStore store, BudgetStore budgets, BudgetLeases leases, TenancyReadStore tenancy, OutboundGuard guard, TimeProvider time,
        CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<CreateBudgetRequest>(context.Request, ct);
        if (!body.IsValid)
            return body.Refusal;
        var r = body.Value!;
        var errors = new FieldErrors();
        if (r.OrgId is null)
            errors.Add("org_id", "is required");
        else if (Problems.Deny(Access.Manage(context.Principal(), r.OrgId), "organization", "manage budgets") is { } denied)
            return denied;
        var scope = r.Scope ?? BudgetScopes.Name(BudgetScopeKind.Organization);
        var kind = BudgetScopes.Parse(scope);
        if (kind is null)
            errors.Add("scope", $"must be {BudgetScopes.Described}");
        var scopeId = kind == BudgetScopeKind.Organization ? r.ScopeId ?? r.OrgId : r.ScopeId;
        if (scopeId is null)
            errors.Add("scope_id", "is required for a user or key budget");
        else if (r.OrgId is not null && kind is { } known && !await BelongsAsync(tenancy, known, scopeId, r.OrgId, ct))
            errors.Add("scope_id", $"is not a {scope} of organization {r.OrgId}");
        var spec = new BudgetSpec(r.Name?.Trim() ?? "", r.OrgId ?? "", scope, scopeId ?? "", r.Provider, r.ModelPattern, r.LimitUsd ?? 0m, r.MaxTokens,
            r.MaxRequests, r.Period ?? "month", r.PeriodHours, r.TimeZone ?? "UTC", r.AlertAtPercent, r.WebhookUrl, r.Mode ?? "block", time.GetUtcNow());
        Check(spec, errors);
        await CheckWebhookAsync(guard, spec.WebhookUrl, errors, ct);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var id = ResourceId.New("bdg");
        await store.AppendAsync(id, StreamType, ExpectedVersion.NoStream,
            [NewEvent.Create(Set, new BudgetSet(id, spec), new EventMetadata(spec.OrgId, context.Principal().Actor, context.TraceIdentifier))], ct);
        await budgets.ApplyAsync(id, ct);
        return TypedResults.Created($"/v1/budgets/{id}", await ResponseAsync(budgets.Find(id)!.Value, leases, time, ct));
    }

    /// <summary>
    /// Changes what a budget allows; its scope and period stay (a new period would orphan the spend
    /// counted so far: create a new budget instead). Headroom leased under the old limit goes back.
    /// </summary>
    private static async Task<IResult> UpdateAsync(
        string id, HttpContext context, EventStore store, BudgetStore budgets, BudgetLeases leases, OutboundGuard guard, TimeProvider time, CancellationToken ct)
    {
        if (budgets.Find(id) is not { } b || Access.Read(context.Principal(), b.Budget.OrgId) == AccessDecision.NotFound)
            return Problems.NotFound("budget");
        if (Problems.Deny(Access.Manage(context.Principal(), b.Budget.OrgId), "budget", "manage budgets") is { } denied)
            return denied;
        var body = await RequestBody.ReadAsync<UpdateBudgetRequest>(context.Request, ct);
        if (!body.IsValid)
            return body.Refusal;
        var r = body.Value!;
        var errors = new FieldErrors();
        var expected = Versioning.Expected(context.Request, b.Version, errors);
        // Present-but-null clears the optional caps, filters, threshold and webhook; absent keeps them.
        var spec = b.Spec with
        {
            Name = r.Name?.Trim() ?? b.Spec.Name,
            LimitUsd = r.LimitUsd ?? b.Spec.LimitUsd,
            Provider = body.Has("provider") ? r.Provider : b.Spec.Provider,
            ModelPattern = body.Has("model_pattern") ? r.ModelPattern : b.Spec.ModelPattern,
            MaxTokens = body.Has("max_tokens") ? r.MaxTokens : b.Spec.MaxTokens,
            MaxRequests = body.Has("max_requests") ? r.MaxRequests : b.Spec.MaxRequests,
            AlertAtPercent = body.Has("alert_at_percent") ? r.AlertAtPercent : b.Spec.AlertAtPercent,
            WebhookUrl = body.Has("webhook_url") ? r.WebhookUrl : b.Spec.WebhookUrl,
            Mode = r.Mode ?? b.Spec.Mode,
        };
        Check(spec, errors);
        if (body.Has("webhook_url"))
            await CheckWebhookAsync(guard, spec.WebhookUrl, errors, ct);
        if (errors.Count > 0)
            return Problems.Validation(errors);
        try
        {
            var appended = await store.AppendAsync(id, StreamType, expected,
                [NewEvent.Create(Set, new BudgetSet(id, spec), new EventMetadata(spec.OrgId, context.Principal().Actor, context.TraceIdentifier))], ct);
            await budgets.ApplyAsync(id, ct);
            Versioning.SetETag(context, appended.Version);
        }
        catch (ConcurrencyException conflict)
        {
            return Versioning.Refusal(context.Request, conflict, "budget");
        }

        return TypedResults.Ok(await ResponseAsync(budgets.Find(id)!.Value, leases, time, ct));
    }

    /// <summary>The rules every budget definition keeps, whether new or changed.</summary>
    private static void Check(BudgetSpec spec, FieldErrors errors)
    {
        TenancyRules.Name("name", spec.Name.Length == 0 ? null : spec.Name, errors, required: true);
        if (spec.LimitUsd <= 0)
            errors.Add("limit_usd", "is required and must be more than 0");
        if (spec.MaxTokens is < 1)
            errors.Add("max_tokens", "must be at least 1");
        if (spec.MaxRequests is < 1)
            errors.Add("max_requests", "must be at least 1");
        if (spec.ModelPattern is not null && ModelPattern.Validate(spec.ModelPattern) is { } patternError)
            errors.Add("model_pattern", patternError);
        if (spec.Period is not ("none" or "day" or "week" or "month" or "duration"))
            errors.Add("period", "must be none, day, week, month or duration");
        if (spec.Period == "duration" && spec.PeriodHours is not (>= 1 and <= 24 * 366))
            errors.Add("period_hours", "is required for a duration period: 1 to 8784 hours");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(spec.TimeZone, out _))
            errors.Add("time_zone", $"'{spec.TimeZone}' is not a known IANA time zone");
        if (spec.AlertAtPercent is not null and not (>= 1 and <= 100))
            errors.Add("alert_at_percent", "must be between 1 and 100");
        if (spec.Mode is not ("block" or "alert_only"))
            errors.Add("mode", "must be block or alert_only");
    }

    /// <summary>
    /// The outbound guard's word on a webhook URL as it is stored; delivery asks again, since the
    /// name may resolve elsewhere by then. A URL kept unchanged is not asked about again here.
    /// </summary>
    private static async Task CheckWebhookAsync(OutboundGuard guard, string? url, FieldErrors errors, CancellationToken ct)
    {
        if (url is null)
            return;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var hook))
            errors.Add("webhook_url", "must be an http or https URL");
        else if ((await guard.CheckAsync(hook, ct)).Reason is { } reason)
            errors.Add("webhook_url", reason);
    }

    /// <param name="Secret">Key of the HMAC-SHA256 in <c>X-Gateway-Signature</c>; derived from the master key, so it changes with it.</param>
    /// <param name="Signed">What is signed: the header's <c>t</c>, a dot, and the raw body.</param>
    internal sealed record WebhookSecretResponse(string BudgetId, string Secret, string Header, string Signed);

    private static IResult WebhookSecret(string id, HttpContext context, BudgetStore budgets, WebhookSignature signature)
    {
        if (budgets.Find(id) is not { } b || Access.Read(context.Principal(), b.Budget.OrgId) == AccessDecision.NotFound)
            return Problems.NotFound("budget");
        if (Problems.Deny(Access.Manage(context.Principal(), b.Budget.OrgId), "budget", "read webhook secrets") is { } denied)
            return denied;
        return TypedResults.Ok(new WebhookSecretResponse(id, signature.SecretFor(id), WebhookSignature.Header, "{t}.{body}"));
    }

    /// <summary>The alerts a budget raised, newest first, as its webhook received them, each with how its delivery ended.</summary>
    private static async Task<IResult> AlertsAsync(string id, HttpContext context, BudgetStore budgets, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (budgets.Find(id) is not { } b || !Visible(context.Principal(), b.Budget))
            return Problems.NotFound("budget");
        await using var cmd = dataSource.CreateCommand(
            $"select {EventStore.SelectEventColumns} from events where stream_id = $1 and type = any($2) order by seq desc limit 1000");
        cmd.Parameters.Add(new() { Value = id });
        cmd.Parameters.Add(new() { Value = new[] { Alerted, AlertDelivered } });
        var events = await EventStore.ReadAllAsync(cmd, ct);
        var deliveries = events.Where(e => e.Type == AlertDelivered).Select(e => e.Deserialize<BudgetAlertDelivery>(GatewayJson.Options))
            .ToDictionary(d => d.AlertId);
        return TypedResults.Ok(events.Where(e => e.Type == Alerted).Take(500)
            .Select(e => e.Deserialize<BudgetAlert>(GatewayJson.Options) with { Delivery = deliveries.GetValueOrDefault(e.Id) }).ToList());
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

    private static async Task<bool> BelongsAsync(TenancyReadStore tenancy, BudgetScopeKind scope, string scopeId, string orgId, CancellationToken ct) => scope switch
    {
        BudgetScopeKind.Organization => scopeId == orgId && await tenancy.OrganizationAsync(orgId, ct) is not null,
        BudgetScopeKind.User => (await tenancy.UserAsync(scopeId, ct))?.State.OrgId == orgId,
        BudgetScopeKind.Key => (await tenancy.KeyAsync(scopeId, ct))?.State.OrgId == orgId,
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

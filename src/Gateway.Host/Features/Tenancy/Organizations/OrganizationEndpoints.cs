using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Http;
using Gateway.Host.Persistence.EventStore;

namespace Gateway.Host.Features.Tenancy.Organizations;

/// <summary><c>/v1/organizations</c>: tenants. The platform admin creates, suspends and deletes them; their admins update them.</summary>
internal static class OrganizationEndpoints
{
    internal sealed record CreateRequest(string? Name, Dictionary<string, string>? Metadata, List<string>? AllowedModels, List<string>? AllowedTools = null)
    {
        public static CreateRequest Example { get; } = new("Acme Research", new() { ["cost_center"] = "R&D-42" }, ["openai:*", "gemini:gemini-2.5-*"], ["gateway_web_search"]);
    }

    internal sealed record UpdateRequest(string? Name, Dictionary<string, string>? Metadata, List<string>? AllowedModels, List<string>? AllowedTools = null)
    {
        public static UpdateRequest Example { get; } = new("Acme Research Labs", null, null);
    }

    internal sealed record ReasonRequest(string? Reason)
    {
        public static ReasonRequest Example { get; } = new("invoice 2026-10 unpaid");
    }

    public static void MapOrganizations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/organizations").WithTags("Organizations");

        group.MapPost("", CreateAsync).WithName("createOrganization").WithSummary("Create an organization (platform admin)")
            .Accepts<CreateRequest>("application/json").Produces<OrganizationResponse>(StatusCodes.Status201Created).WithManagementProblems();
        group.MapGet("", ListAsync).WithName("listOrganizations").WithSummary("List organizations (an organization's own keys see only it)")
            .Produces<ListResponse<OrganizationResponse>>().WithManagementProblems();
        group.MapGet("/{id}", GetAsync).WithName("getOrganization").WithSummary("Get an organization")
            .Produces<OrganizationResponse>().WithManagementProblems();
        group.MapPatch("/{id}", UpdateAsync).WithName("updateOrganization")
            .WithSummary("Update name and metadata (organization admin) or allowed models (platform admin); honours If-Match")
            .Accepts<UpdateRequest>("application/json").Produces<OrganizationResponse>()
            .WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id}/suspend", (string id, HttpContext c, TenancyReadStore r, TenancyWriter w, CancellationToken ct) =>
                ChangeStatusAsync(id, c, r, w, (org, reason) => TenancyDecisions.Suspend(org, reason), ct))
            .WithName("suspendOrganization").WithSummary("Suspend an organization: every key of it is refused with 403 (platform admin)")
            .Accepts<ReasonRequest>("application/json").Produces<OrganizationResponse>().WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/reactivate", (string id, HttpContext c, TenancyReadStore r, TenancyWriter w, CancellationToken ct) =>
                ChangeStatusAsync(id, c, r, w, (org, _) => TenancyDecisions.Reactivate(org), ct))
            .WithName("reactivateOrganization").WithSummary("Lift a suspension (platform admin)")
            .Produces<OrganizationResponse>().WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id}", (string id, HttpContext c, TenancyReadStore r, TenancyWriter w, CancellationToken ct) =>
                ChangeStatusAsync(id, c, r, w, (org, _) => TenancyDecisions.Delete(org), ct))
            .WithName("deleteOrganization").WithSummary("Delete an organization: its keys stop working, its history is kept (platform admin)")
            .Produces<OrganizationResponse>().WithManagementProblems();
    }

    private static async Task<IResult> CreateAsync(HttpContext context, TenancyReadStore read, TenancyWriter writer, CancellationToken ct)
    {
        if (Problems.Deny(Access.Operate(context.Principal(), null), "organization", "create organizations") is { } denied)
            return denied;
        var body = await RequestBody.ReadAsync<CreateRequest>(context.Request, ct);
        if (!body.IsValid)
            return body.Refusal;
        var request = body.Value!;
        var errors = new FieldErrors();
        TenancyRules.Name("name", request.Name, errors);
        TenancyRules.Metadata("metadata", request.Metadata, errors);
        TenancyRules.AllowedModels("allowed_models", request.AllowedModels, errors);
        TenancyRules.AllowedTools("allowed_tools", request.AllowedTools, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var id = ResourceId.New(ResourceId.Organization);
        var created = new OrganizationCreated(id, request.Name!.Trim(), request.Metadata ?? [], request.AllowedModels ?? [], request.AllowedTools ?? []);
        var outcome = await writer.AppendAsync(context, created, id, ExpectedVersion.NoStream, ct);
        if (outcome.Refusal is not null)
            return outcome.Refusal;
        var row = await read.OrganizationAsync(id, ct);
        Versioning.SetETag(context, outcome.Version);
        return TypedResults.Created($"/v1/organizations/{id}", OrganizationResponse.From(row!));
    }

    private static async Task<IResult> ListAsync(HttpContext context, TenancyReadStore read, string? cursor, int? limit, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var paging = Paging.Parse(cursor, limit, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);
        var principal = context.Principal();
        var rows = await read.OrganizationsAsync(principal.Kind == PrincipalKind.PlatformAdmin ? null : principal.OrgId, paging, ct);
        return TypedResults.Ok(paging.Page(rows, r => r.State.Id, OrganizationResponse.From));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, TenancyReadStore read, CancellationToken ct)
    {
        if (Problems.Deny(Access.ReadOrganization(context.Principal(), id), "organization", "read this organization") is { } denied)
            return denied;
        var row = await read.OrganizationAsync(id, ct);
        if (row is null)
            return Problems.NotFound("organization");
        Versioning.SetETag(context, row.State.Version);
        return TypedResults.Ok(OrganizationResponse.From(row));
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext context, TenancyReadStore read, TenancyWriter writer, CancellationToken ct)
    {
        var principal = context.Principal();
        if (Problems.Deny(Access.Manage(principal, id), "organization", "update this organization") is { } denied)
            return denied;
        var body = await RequestBody.ReadAsync<UpdateRequest>(context.Request, ct);
        if (!body.IsValid)
            return body.Refusal;
        if (body.Has("allowed_models") && Problems.Deny(Access.Operate(principal, id), "organization", "change allowed_models") is { } operatorOnly)
            return operatorOnly;
        if (body.Has("allowed_tools") && Problems.Deny(Access.Operate(principal, id), "organization", "change allowed_tools") is { } toolsOperatorOnly)
            return toolsOperatorOnly;
        var row = await read.OrganizationAsync(id, ct);
        if (row is null)
            return Problems.NotFound("organization");

        var request = body.Value!;
        var errors = new FieldErrors();
        TenancyRules.Name("name", request.Name, errors, required: false);
        TenancyRules.Metadata("metadata", request.Metadata, errors);
        TenancyRules.AllowedModels("allowed_models", request.AllowedModels, errors);
        TenancyRules.AllowedTools("allowed_tools", request.AllowedTools, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var updated = new OrganizationUpdated(
            id, request.Name?.Trim() ?? row.State.Name, request.Metadata ?? row.State.Metadata, request.AllowedModels ?? row.State.AllowedModels,
            request.AllowedTools ?? row.State.AllowedTools);
        return await writer.ApplyAsync(context, id, row.State.Version, Decision.Emit(updated), version => RespondAsync(read, row, version, ct), ct);
    }

    private static async Task<IResult> ChangeStatusAsync(
        string id, HttpContext context, TenancyReadStore read, TenancyWriter writer, Func<OrganizationState, string?, Decision> decide, CancellationToken ct)
    {
        if (Problems.Deny(Access.Operate(context.Principal(), id), "organization", "change the status of organizations") is { } denied)
            return denied;
        var body = await RequestBody.ReadOptionalAsync(context.Request, new ReasonRequest(null), ct);
        if (!body.IsValid)
            return body.Refusal;
        var row = await read.OrganizationAsync(id, ct);
        if (row is null)
            return Problems.NotFound("organization");
        return await writer.ApplyAsync(context, id, row.State.Version, decide(row.State, body.Value!.Reason), version => RespondAsync(read, row, version, ct), ct);
    }

    private static async Task<IResult> RespondAsync(TenancyReadStore read, OrganizationRow before, long version, CancellationToken ct)
    {
        // A deleted organization is no longer readable: answer with its last state.
        var after = await read.OrganizationAsync(before.State.Id, ct)
            ?? before with { State = before.State with { Status = OrganizationStatus.Deleted, Version = version } };
        return TypedResults.Ok(OrganizationResponse.From(after));
    }
}

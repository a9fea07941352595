using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Http;
using Gateway.Host.Persistence.EventStore;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Host.Features.Tenancy.Users;

/// <summary><c>/v1/users</c>: people (or services) of an organisation, managed by its admins.</summary>
internal static class UserEndpoints
{
    internal sealed record CreateRequest(
        string? OrgId, string? ExternalId, string? Alias, string? Email, OrgRole? Role, Dictionary<string, string>? Metadata)
    {
        public static CreateRequest Example { get; } = new("org_019a8b2c3d4e7f00a1b2c3d4e5f60718", "alice@acme", "Alice", "alice@acme.example", OrgRole.Member, new() { ["team"] = "search" });
    }

    internal sealed record UpdateRequest(string? Alias, string? Email, OrgRole? Role, Dictionary<string, string>? Metadata)
    {
        public static UpdateRequest Example { get; } = new(null, null, OrgRole.Admin, null);
    }

    internal sealed record ReasonRequest(string? Reason)
    {
        public static ReasonRequest Example { get; } = new("left the company");
    }

    public static void MapUsers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/users").WithTags("Users");

        group.MapPost("", CreateAsync).WithName("createUser").WithSummary("Create a user (organization admin; the platform admin names org_id)")
            .Accepts<CreateRequest>("application/json").Produces<UserResponse>(StatusCodes.Status201Created)
            .WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("", ListAsync).WithName("listUsers").WithSummary("List users, filtered by org_id, role, status or external_id")
            .Produces<ListResponse<UserResponse>>().WithManagementProblems();
        group.MapGet("/{id}", GetAsync).WithName("getUser").WithSummary("Get a user (members may read only themselves)")
            .Produces<UserResponse>().WithManagementProblems();
        group.MapPatch("/{id}", UpdateAsync).WithName("updateUser").WithSummary("Update alias, email, role or metadata; honours If-Match")
            .Accepts<UpdateRequest>("application/json").Produces<UserResponse>()
            .WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id}/block", (string id, HttpContext c, TenancyReadStore r, TenancyWriter w, CancellationToken ct) =>
                ChangeStatusAsync(id, c, r, w, (u, reason) => TenancyDecisions.Block(u, reason), ct))
            .WithName("blockUser").WithSummary("Block a user: their keys are refused with 403 until unblocked")
            .Accepts<ReasonRequest>("application/json").Produces<UserResponse>().WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/unblock", (string id, HttpContext c, TenancyReadStore r, TenancyWriter w, CancellationToken ct) =>
                ChangeStatusAsync(id, c, r, w, (u, _) => TenancyDecisions.Unblock(u), ct))
            .WithName("unblockUser").WithSummary("Unblock a user")
            .Produces<UserResponse>().WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id}", (string id, HttpContext c, TenancyReadStore r, TenancyWriter w, CancellationToken ct) =>
                ChangeStatusAsync(id, c, r, w, (u, _) => TenancyDecisions.Delete(u), ct))
            .WithName("deleteUser").WithSummary("Delete a user: their keys stop working, their history is kept")
            .Produces<UserResponse>().WithManagementProblems();
    }

    private static async Task<IResult> CreateAsync(HttpContext context, TenancyReadStore read, TenancyWriter writer, CancellationToken ct)
    {
        var principal = context.Principal();
        var body = await RequestBody.ReadAsync<CreateRequest>(context.Request, ct);
        if (!body.IsValid)
            return body.Refusal;
        var request = body.Value!;
        var orgId = request.OrgId ?? principal.OrgId;
        var errors = new FieldErrors();
        if (orgId is null)
            errors.Add("org_id", "is required");
        TenancyRules.Name("external_id", request.ExternalId, errors);
        TenancyRules.Name("alias", request.Alias, errors, required: false);
        TenancyRules.Email("email", request.Email, errors);
        TenancyRules.Metadata("metadata", request.Metadata, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);
        if (Problems.Deny(Access.Manage(principal, orgId!), "organization", "create users") is { } denied)
            return denied;
        if (await read.OrganizationAsync(orgId!, ct) is null)
            return Problems.NotFound("organization");

        var id = ResourceId.New(ResourceId.User);
        var created = new UserCreated(id, orgId!, request.ExternalId!.Trim(), request.Alias, request.Email, request.Role ?? OrgRole.Member, request.Metadata ?? []);
        var outcome = await writer.AppendAsync(context, created, orgId!, ExpectedVersion.NoStream, ct);
        if (outcome.Refusal is not null)
            return outcome.Refusal;
        Versioning.SetETag(context, outcome.Version);
        return TypedResults.Created($"/v1/users/{id}", UserResponse.From((await read.UserAsync(id, ct))!));
    }

    private static async Task<IResult> ListAsync(
        HttpContext context, TenancyReadStore read, [FromQuery(Name = "org_id")] string? orgId, string? role, string? status, [FromQuery(Name = "external_id")] string? externalId, string? cursor, int? limit,
        CancellationToken ct)
    {
        var principal = context.Principal();
        var errors = new FieldErrors();
        var paging = Paging.Parse(cursor, limit, errors);
        Filter<OrgRole>("role", role, errors);
        Filter<UserStatus>("status", status, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);
        orgId ??= principal.OrgId;
        if (orgId is not null && Problems.Deny(Access.Manage(principal, orgId), "organization", "list users") is { } denied)
            return denied;
        var rows = await read.UsersAsync(orgId, role, status, externalId, paging, ct);
        return TypedResults.Ok(paging.Page(rows, r => r.State.Id, UserResponse.From));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, TenancyReadStore read, CancellationToken ct)
    {
        var row = await read.UserAsync(id, ct);
        if (row is null)
            return Problems.NotFound("user");
        if (Problems.Deny(Access.Read(context.Principal(), row.State.OrgId, row.State.Id), "user", "read other users") is { } denied)
            return denied;
        Versioning.SetETag(context, row.State.Version);
        return TypedResults.Ok(UserResponse.From(row));
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext context, TenancyReadStore read, TenancyWriter writer, CancellationToken ct)
    {
        var row = await read.UserAsync(id, ct);
        if (row is null)
            return Problems.NotFound("user");
        if (Problems.Deny(Access.Manage(context.Principal(), row.State.OrgId), "user", "update users") is { } denied)
            return denied;
        var body = await RequestBody.ReadAsync<UpdateRequest>(context.Request, ct);
        if (!body.IsValid)
            return body.Refusal;
        var request = body.Value!;
        var errors = new FieldErrors();
        TenancyRules.Name("alias", request.Alias, errors, required: false);
        TenancyRules.Email("email", request.Email, errors);
        TenancyRules.Metadata("metadata", request.Metadata, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        // Present-but-null clears alias and email; absent keeps them.
        var updated = new UserUpdated(
            id,
            body.Has("alias") ? request.Alias : row.State.Alias,
            body.Has("email") ? request.Email : row.State.Email,
            request.Role ?? row.State.Role,
            request.Metadata ?? row.State.Metadata);
        return await writer.ApplyAsync(context, row.State.OrgId, row.State.Version, Decision.Emit(updated), version => RespondAsync(read, row, version, ct), ct);
    }

    private static async Task<IResult> ChangeStatusAsync(
        string id, HttpContext context, TenancyReadStore read, TenancyWriter writer, Func<UserState, string?, Decision> decide, CancellationToken ct)
    {
        var row = await read.UserAsync(id, ct);
        if (row is null)
            return Problems.NotFound("user");
        if (Problems.Deny(Access.Manage(context.Principal(), row.State.OrgId), "user", "block, unblock or delete users") is { } denied)
            return denied;
        var body = await RequestBody.ReadOptionalAsync(context.Request, new ReasonRequest(null), ct);
        if (!body.IsValid)
            return body.Refusal;
        return await writer.ApplyAsync(
            context, row.State.OrgId, row.State.Version, decide(row.State, body.Value!.Reason), version => RespondAsync(read, row, version, ct), ct);
    }

    private static async Task<IResult> RespondAsync(TenancyReadStore read, UserRow before, long version, CancellationToken ct)
    {
        // A deleted user is no longer readable: answer with their last state.
        var after = await read.UserAsync(before.State.Id, ct)
            ?? before with { State = before.State with { Status = UserStatus.Deleted, Version = version } };
        return TypedResults.Ok(UserResponse.From(after));
    }

    /// <summary>A filter value must be one of the enum's wire names (member, admin; active, blocked).</summary>
    private static void Filter<T>(string field, string? value, FieldErrors errors) where T : struct, Enum
    {
        var names = Enum.GetNames<T>().Select(n => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(n)).ToList();
        if (value is not null && !names.Contains(value))
            errors.Add(field, $"must be one of {string.Join(", ", names)}");
    }
}

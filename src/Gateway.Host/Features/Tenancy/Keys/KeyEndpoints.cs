using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Http;
using Gateway.Host.Persistence.EventStore;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Host.Features.Tenancy.Keys;

/// <summary><c>/v1/keys</c>: virtual keys that clients use instead of provider keys.</summary>
internal static class KeyEndpoints
{
    internal sealed record IssueRequest(
        string? OrgId, string? UserId, string? Name, DateTimeOffset? ExpiresAt, List<string>? AllowedModels,
        int? RpmLimit, int? TpmLimit, Dictionary<string, string>? Metadata, List<string>? AllowedTools = null)
    {
        public static IssueRequest Example { get; } = new(null, "usr_019a8b2c3d4e7f00a1b2c3d4e5f60719", "alice laptop", new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero), ["gemini:*"], 60, 100_000, new() { ["purpose"] = "notebooks" }, ["gateway_web_search"]);
    }

    internal sealed record UpdateRequest(
        string? Name, DateTimeOffset? ExpiresAt, List<string>? AllowedModels, int? RpmLimit, int? TpmLimit, Dictionary<string, string>? Metadata, List<string>? AllowedTools = null)
    {
        public static UpdateRequest Example { get; } = new(null, null, null, 120, null, null);
    }

    internal sealed record RevokeRequest(string? Reason)
    {
        public static RevokeRequest Example { get; } = new("secret posted in a public issue");
    }

    /// <param name="GracePeriodSeconds">How long the replaced secret keeps working (0 to 2592000); 0 or absent: it stops at once.</param>
    internal sealed record RotateRequest(int? GracePeriodSeconds)
    {
        public static RotateRequest Example { get; } = new(3600);
    }

    public static void MapKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/keys").WithTags("Keys");

        group.MapPost("", IssueAsync).WithName("issueKey")
            .WithSummary("Issue a key for a user (user_id) or for the organization itself; the secret is returned once")
            .Accepts<IssueRequest>("application/json").Produces<KeyWithSecretResponse>(StatusCodes.Status201Created).WithManagementProblems();
        group.MapGet("", ListAsync).WithName("listKeys").WithSummary("List keys, filtered by org_id or user_id (members see their own)")
            .Produces<ListResponse<KeyResponse>>().WithManagementProblems();
        group.MapGet("/{id}", GetAsync).WithName("getKey").WithSummary("Get a key (never its secret)")
            .Produces<KeyResponse>().WithManagementProblems();
        group.MapPatch("/{id}", UpdateAsync).WithName("updateKey")
            .WithSummary("Update name, expiry, allowed models, limits or metadata; null clears expiry and limits; honours If-Match")
            .Accepts<UpdateRequest>("application/json").Produces<KeyResponse>()
            .WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id}/revoke", RevokeAsync).WithName("revokeKey").WithSummary("Revoke a key for good, on every instance within seconds")
            .Accepts<RevokeRequest>("application/json").Produces<KeyResponse>().WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/rotate", RotateAsync).WithName("rotateKey")
            .WithSummary("Replace the secret; the old one keeps working for grace_period_seconds. The new secret is returned once")
            .Accepts<RotateRequest>("application/json").Produces<KeyWithSecretResponse>().WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> IssueAsync(
        HttpContext context, TenancyReadStore read, TenancyWriter writer, KeySecrets secrets, TimeProvider time, CancellationToken ct)
    {
        var principal = context.Principal();
        var body = await RequestBody.ReadAsync<IssueRequest>(context.Request, ct);
        if (!body.IsValid)
            return body.Refusal;
        var request = body.Value!;
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        Validate(request.Name, request.ExpiresAt, request.AllowedModels, request.RpmLimit, request.TpmLimit, request.Metadata, now, errors, nameRequired: true);
        TenancyRules.AllowedTools("allowed_tools", request.AllowedTools, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        string? orgId = request.OrgId;
        if (request.UserId is not null)
        {
            var owner = await read.UserAsync(request.UserId, ct);
            if (owner is null || (orgId is not null && owner.State.OrgId != orgId))
                return Problems.NotFound("user");
            orgId = owner.State.OrgId;
        }

        orgId ??= principal.OrgId;
        if (orgId is null)
            return Problems.Validation(new FieldErrors { { "org_id", "is required (or user_id)" } });
        if (Problems.Deny(Access.Manage(principal, orgId), "organization", "issue keys") is { } denied)
            return denied;
        if (await read.OrganizationAsync(orgId, ct) is null)
            return Problems.NotFound("organization");

        var id = ResourceId.New(ResourceId.Key);
        var secret = KeySecrets.NewSecret();
        var issued = new KeyIssued(
            id, orgId, request.UserId, request.Name!.Trim(), KeySecrets.DisplayPrefix(secret), Convert.ToBase64String(secrets.Hash(secret)),
            request.ExpiresAt?.ToUniversalTime(), request.AllowedModels ?? [], request.RpmLimit, request.TpmLimit, request.Metadata ?? [], request.AllowedTools ?? []);
        var outcome = await writer.AppendAsync(context, issued, orgId, ExpectedVersion.NoStream, ct);
        if (outcome.Refusal is not null)
            return outcome.Refusal;
        Versioning.SetETag(context, outcome.Version);
        return TypedResults.Created($"/v1/keys/{id}", KeyWithSecretResponse.From((await read.KeyAsync(id, ct))!, now, secret));
    }

    private static async Task<IResult> ListAsync(
        HttpContext context, TenancyReadStore read, TimeProvider time, [FromQuery(Name = "org_id")] string? orgId, [FromQuery(Name = "user_id")] string? userId, string? cursor, int? limit, CancellationToken ct)
    {
        var principal = context.Principal();
        var errors = new FieldErrors();
        var paging = Paging.Parse(cursor, limit, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);
        orgId ??= principal.OrgId;
        if (orgId is not null && principal.Kind == PrincipalKind.Member)
        {
            // Members list their own keys and nothing else.
            if (Problems.Deny(Access.Read(principal, orgId, userId ?? principal.UserId), "organization", "list other users' keys") is { } denied)
                return denied;
            userId = principal.UserId;
        }
        else if (orgId is not null && Problems.Deny(Access.Manage(principal, orgId), "organization", "list keys") is { } denied)
        {
            return denied;
        }

        var rows = await read.KeysAsync(orgId, userId, paging, ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(paging.Page(rows, r => r.State.Id, r => KeyResponse.From(r, now)));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, TenancyReadStore read, TimeProvider time, CancellationToken ct)
    {
        var row = await read.KeyAsync(id, ct);
        if (row is null)
            return Problems.NotFound("key");
        if (Problems.Deny(Access.Read(context.Principal(), row.State.OrgId, row.State.UserId), "key", "read other users' keys") is { } denied)
            return denied;
        Versioning.SetETag(context, row.State.Version);
        return TypedResults.Ok(KeyResponse.From(row, time.GetUtcNow()));
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext context, TenancyReadStore read, TenancyWriter writer, TimeProvider time, CancellationToken ct)
    {
        var (row, refused) = await ManagedKeyAsync(id, context, read, "update keys", ct);
        if (refused is not null)
            return refused;
        var body = await RequestBody.ReadAsync<UpdateRequest>(context.Request, ct);
        if (!body.IsValid)
            return body.Refusal;
        var request = body.Value!;
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        Validate(request.Name, request.ExpiresAt, request.AllowedModels, request.RpmLimit, request.TpmLimit, request.Metadata, now, errors, nameRequired: false);
        TenancyRules.AllowedTools("allowed_tools", request.AllowedTools, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var k = row!.State;
        var updated = new KeyUpdated(
            id,
            request.Name?.Trim() ?? k.Name,
            body.Has("expires_at") ? request.ExpiresAt?.ToUniversalTime() : k.ExpiresAt,
            request.AllowedModels ?? k.AllowedModels,
            body.Has("rpm_limit") ? request.RpmLimit : k.RpmLimit,
            body.Has("tpm_limit") ? request.TpmLimit : k.TpmLimit,
            request.Metadata ?? k.Metadata,
            request.AllowedTools ?? k.AllowedTools);
        return await DecideAsync(context, read, writer, row, Decision.Emit(updated), now, null, ct);
    }

    private static async Task<IResult> RevokeAsync(string id, HttpContext context, TenancyReadStore read, TenancyWriter writer, TimeProvider time, CancellationToken ct)
    {
        var (row, refused) = await ManagedKeyAsync(id, context, read, "revoke keys", ct);
        if (refused is not null)
            return refused;
        var body = await RequestBody.ReadOptionalAsync(context.Request, new RevokeRequest(null), ct);
        if (!body.IsValid)
            return body.Refusal;
        return await DecideAsync(context, read, writer, row!, TenancyDecisions.Revoke(row!.State, body.Value!.Reason), time.GetUtcNow(), null, ct);
    }

    private static async Task<IResult> RotateAsync(
        string id, HttpContext context, TenancyReadStore read, TenancyWriter writer, KeySecrets secrets, TimeProvider time, CancellationToken ct)
    {
        var (row, refused) = await ManagedKeyAsync(id, context, read, "rotate keys", ct);
        if (refused is not null)
            return refused;
        var body = await RequestBody.ReadOptionalAsync(context.Request, new RotateRequest(null), ct);
        if (!body.IsValid)
            return body.Refusal;
        var errors = new FieldErrors();
        TenancyRules.GracePeriod("grace_period_seconds", body.Value!.GracePeriodSeconds, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var secret = KeySecrets.NewSecret();
        var previousHash = await read.KeyHashAsync(id, ct);
        var now = time.GetUtcNow();
        var decision = TenancyDecisions.Rotate(
            row!.State, KeySecrets.DisplayPrefix(secret), Convert.ToBase64String(secrets.Hash(secret)), Convert.ToBase64String(previousHash!),
            now, TimeSpan.FromSeconds(body.Value.GracePeriodSeconds ?? 0));
        return await DecideAsync(context, read, writer, row, decision, now, secret, ct);
    }

    private static async Task<(KeyRow? Row, IResult? Refusal)> ManagedKeyAsync(string id, HttpContext context, TenancyReadStore read, string action, CancellationToken ct)
    {
        var row = await read.KeyAsync(id, ct);
        if (row is null)
            return (null, Problems.NotFound("key"));
        return Problems.Deny(Access.Manage(context.Principal(), row.State.OrgId), "key", action) is { } denied ? (row, denied) : (row, null);
    }

    /// <param name="secret">The new secret after a rotation, returned this once.</param>
    private static Task<IResult> DecideAsync(
        HttpContext context, TenancyReadStore read, TenancyWriter writer, KeyRow row, Decision decision, DateTimeOffset now, string? secret, CancellationToken ct) =>
        writer.ApplyAsync(context, row.State.OrgId, row.State.Version, decision, async _ =>
        {
            var after = (await read.KeyAsync(row.State.Id, ct))!;
            return secret is null ? TypedResults.Ok(KeyResponse.From(after, now)) : TypedResults.Ok(KeyWithSecretResponse.From(after, now, secret));
        }, ct);

    private static void Validate(
        string? name, DateTimeOffset? expiresAt, List<string>? allowedModels, int? rpm, int? tpm, Dictionary<string, string>? metadata,
        DateTimeOffset now, FieldErrors errors, bool nameRequired)
    {
        TenancyRules.Name("name", name, errors, nameRequired);
        TenancyRules.Expiry("expires_at", expiresAt, now, errors);
        TenancyRules.AllowedModels("allowed_models", allowedModels, errors);
        TenancyRules.RateLimit("rpm_limit", rpm, errors);
        TenancyRules.RateLimit("tpm_limit", tpm, errors);
        TenancyRules.Metadata("metadata", metadata, errors);
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Http;
using Gateway.Host.Persistence.EventStore;
using Npgsql;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Host.Features.Tenancy.Audit;

/// <summary><c>GET /v1/audit</c>: every management change with who made it, newest first, limited to what the caller may see.</summary>
internal static class AuditEndpoints
{
    /// <summary>Fields that must never leave the server, even hashed.</summary>
    private static readonly string[] Redacted = ["hash", "previous_hash"];

    /// <param name="Id">The event's id.</param>
    /// <param name="Type">What happened, e.g. <c>key.revoked</c>.</param>
    /// <param name="ResourceId">The organization, user or key changed.</param>
    /// <param name="Actor">Who did it: <c>platform-admin</c> or <c>user:… via key:…</c>.</param>
    /// <param name="CorrelationId">The request's X-Request-Id, or the gateway's trace id for it.</param>
    internal sealed record AuditEntry(
        Guid Id, string Type, string ResourceId, string? OrgId, string? Actor, string? CorrelationId, DateTimeOffset OccurredAt, JsonObject Data);

    public static void MapAudit(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/audit", ListAsync).WithTags("Audit").WithName("listAuditEvents")
            .WithSummary("List management changes (platform admin: all; organization admin: their organization)")
            .Produces<ListResponse<AuditEntry>>().WithManagementProblems();

    private static async Task<IResult> ListAsync(
        HttpContext context, NpgsqlDataSource dataSource, [FromQuery(Name = "org_id")] string? orgId, [FromQuery(Name = "resource_id")] string? resourceId, string? type, string? cursor, int? limit, CancellationToken ct)
    {
        var principal = context.Principal();
        var errors = new FieldErrors();
        var paging = Paging.Parse(cursor, limit, errors);
        long? before = null;
        if (paging.After is not null)
        {
            if (long.TryParse(paging.After, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
                before = seq;
            else
                errors.Add("cursor", "is not a cursor this API returned");
        }

        if (errors.Count > 0)
            return Problems.Validation(errors);
        orgId ??= principal.OrgId;
        if (principal.Kind != PrincipalKind.PlatformAdmin && Problems.Deny(Access.Manage(principal, orgId!), "organization", "read the audit log") is { } denied)
            return denied;

        await using var cmd = dataSource.CreateCommand($"""
            select {EventStore.SelectEventColumns} from events
            where version is not null and split_part(type, '.', 1) in ('organization', 'user', 'key')
              and ($1::text is null or tenant_id = $1) and ($2::text is null or stream_id = $2) and ($3::text is null or type = $3)
              and ($4::bigint is null or seq < $4)
            order by seq desc limit $5
            """);
        cmd.Parameters.Add(new() { Value = (object?)orgId ?? DBNull.Value });
        cmd.Parameters.Add(new() { Value = (object?)resourceId ?? DBNull.Value });
        cmd.Parameters.Add(new() { Value = (object?)type ?? DBNull.Value });
        cmd.Parameters.Add(new() { Value = (object?)before ?? DBNull.Value });
        cmd.Parameters.Add(new() { Value = paging.Fetch });
        var events = await EventStore.ReadAllAsync(cmd, ct);
        return TypedResults.Ok(paging.Page(events, e => e.Seq.ToString(CultureInfo.InvariantCulture), Entry));
    }

    private static AuditEntry Entry(StoredEvent e)
    {
        var data = JsonNode.Parse(e.Data)!.AsObject();
        foreach (var field in Redacted)
            data.Remove(field);
        return new AuditEntry(e.Id, e.Type, e.StreamId, e.Metadata.TenantId, e.Metadata.Actor, e.Metadata.CorrelationId, e.CreatedAt, data);
    }
}

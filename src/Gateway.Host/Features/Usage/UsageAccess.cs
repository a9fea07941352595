using Gateway.Domain.Tenancy;
using Gateway.Host.Http;
using Npgsql;

namespace Gateway.Host.Features.Usage;

/// <summary>
/// Whose usage a caller may read: the platform admin everything, an organization admin their
/// organization's, a member their own user's (or, for an organization key without a user, that key's).
/// </summary>
internal static class UsageAccess
{
    private sealed record Owner(string OrgId, string? UserId);

    /// <summary>
    /// Null when every organization, user and key the filter names may be read by the caller. Otherwise
    /// the refusal, as reading that resource would answer: 404 for another tenant's or an unknown one
    /// (ids cannot be probed), 403 for a member naming someone else of their organization. A user or key
    /// outside the organization named, or a key of another user than the one named, is not found there
    /// either: so the most specific id named always implies the others (<see cref="UsageRows"/> relies on it).
    /// </summary>
    public static async Task<IResult?> DenyAsync(Principal principal, UsageFilter filter, NpgsqlDataSource db, CancellationToken ct)
    {
        var named = new (string? Id, string Sql, string What, Func<Owner, AccessDecision> Decide)[]
        {
            (filter.OrgId, "select id, null from organizations where id = $1", "organization", o => Access.ReadOrganization(principal, o.OrgId)),
            (filter.UserId, "select org_id, id from users where id = $1", "user", o => Access.Read(principal, o.OrgId, o.UserId)),
            (filter.KeyId, "select org_id, user_id from virtual_keys where id = $1", "key",
                o => filter.UserId is not null && o.UserId != filter.UserId ? AccessDecision.NotFound
                    : filter.KeyId == principal.KeyId ? AccessDecision.Allowed
                    : Access.Read(principal, o.OrgId, o.UserId)),
        };
        foreach (var (id, sql, what, decide) in named.Where(n => n.Id is not null))
        {
            var owner = await OwnerAsync(db, sql, id!, ct);
            var decision = owner is null || (filter.OrgId is not null && owner.OrgId != filter.OrgId) ? AccessDecision.NotFound : decide(owner);
            if (Problems.Deny(decision, what, $"read another {what}'s usage") is { } denied)
                return denied;
        }

        return null;
    }

    /// <summary>The filter with the caller's own scope added; filters only ever narrow it further.</summary>
    public static UsageFilter Narrow(Principal principal, UsageFilter filter) => principal.Kind switch
    {
        PrincipalKind.PlatformAdmin => filter,
        PrincipalKind.OrgAdmin => filter with { OrgId = principal.OrgId },
        _ when principal.UserId is not null => filter with { OrgId = principal.OrgId, UserId = principal.UserId },
        _ => filter with { OrgId = principal.OrgId, KeyId = principal.KeyId },
    };

    /// <summary>
    /// Deleted organizations, users and keys are looked up too: their usage is history that stays
    /// readable by whoever could read it before.
    /// </summary>
    private static async Task<Owner?> OwnerAsync(NpgsqlDataSource db, string sql, string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.Add(new() { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new Owner(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }
}

namespace Gateway.Domain.Tenancy;

public enum AccessDecision
{
    Allowed,

    /// <summary>The caller may see the resource but not do this to it.</summary>
    Forbidden,

    /// <summary>The resource belongs to another tenant: answered as if it did not exist, so ids cannot be probed.</summary>
    NotFound,
}

/// <summary>Who may do what to which tenant's resources.</summary>
public static class Access
{
    /// <summary>Reading a resource of <paramref name="orgId"/>; members read only what they own.</summary>
    /// <param name="ownerUserId">The user the resource belongs to, when it belongs to one.</param>
    public static AccessDecision Read(Principal principal, string orgId, string? ownerUserId = null) => principal.Kind switch
    {
        PrincipalKind.PlatformAdmin => AccessDecision.Allowed,
        _ when principal.OrgId != orgId => AccessDecision.NotFound,
        PrincipalKind.OrgAdmin => AccessDecision.Allowed,
        _ => ownerUserId is not null && ownerUserId == principal.UserId ? AccessDecision.Allowed : AccessDecision.Forbidden,
    };

    /// <summary>An organisation's own record: anyone of it may read it, nobody else may know it exists.</summary>
    public static AccessDecision ReadOrganization(Principal principal, string orgId) =>
        principal.Kind == PrincipalKind.PlatformAdmin || principal.OrgId == orgId ? AccessDecision.Allowed : AccessDecision.NotFound;

    /// <summary>Changing users, keys or settings of <paramref name="orgId"/>: admins of it.</summary>
    public static AccessDecision Manage(Principal principal, string orgId) => principal.Kind switch
    {
        PrincipalKind.PlatformAdmin => AccessDecision.Allowed,
        _ when principal.OrgId != orgId => AccessDecision.NotFound,
        PrincipalKind.OrgAdmin => AccessDecision.Allowed,
        _ => AccessDecision.Forbidden,
    };

    /// <summary>Creating, suspending or deleting organisations, and setting their model allow-lists: the platform admin.</summary>
    public static AccessDecision Operate(Principal principal, string? orgId) => principal.Kind switch
    {
        PrincipalKind.PlatformAdmin => AccessDecision.Allowed,
        _ when orgId is not null && principal.OrgId != orgId => AccessDecision.NotFound,
        _ => AccessDecision.Forbidden,
    };
}

namespace Gateway.Domain.Tenancy;

public enum PrincipalKind
{
    PlatformAdmin,
    OrgAdmin,
    Member,
}

/// <summary>Who is calling, as established by authentication.</summary>
/// <param name="OrgId">Null only for the platform admin.</param>
/// <param name="UserId">The key's owner; null for the platform admin and organisation-owned keys.</param>
/// <param name="KeyId">The virtual key used; null for the platform admin.</param>
public sealed record Principal(PrincipalKind Kind, string? OrgId, string? UserId, string? KeyId)
{
    public static Principal PlatformAdmin { get; } = new(PrincipalKind.PlatformAdmin, null, null, null);

    /// <summary>How the principal appears in audit records: never a secret.</summary>
    public string Actor => Kind switch
    {
        PrincipalKind.PlatformAdmin => "platform-admin",
        _ => UserId is null ? $"key:{KeyId}" : $"user:{UserId} via key:{KeyId}",
    };
}

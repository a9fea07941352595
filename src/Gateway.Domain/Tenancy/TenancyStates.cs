namespace Gateway.Domain.Tenancy;

public enum OrganizationStatus
{
    Active,
    Suspended,
    Deleted,
}

public enum UserStatus
{
    Active,
    Blocked,
    Deleted,
}

/// <summary>What a key can do right now, all things considered (its own state, expiry, owner, organisation).</summary>
public enum KeyStatus
{
    Active,

    /// <summary>Explicitly revoked: never works again.</summary>
    Revoked,

    Expired,

    /// <summary>Its owner is blocked or deleted, or its organisation suspended or deleted.</summary>
    Disabled,
}

public sealed record OrganizationState(
    string Id, string Name, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<string> AllowedModels,
    OrganizationStatus Status, long Version, IReadOnlyList<string>? AllowedTools = null)
{
    /// <summary>Gateway tool types its keys may use; empty allows every enabled tool.</summary>
    public IReadOnlyList<string> AllowedTools { get; init; } = AllowedTools ?? [];
}

public sealed record UserState(
    string Id, string OrgId, string ExternalId, string? Alias, string? Email, OrgRole Role,
    IReadOnlyDictionary<string, string> Metadata, UserStatus Status, long Version);

public sealed record KeyState(
    string Id, string OrgId, string? UserId, string Name, string Prefix, DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> AllowedModels, int? RpmLimit, int? TpmLimit, IReadOnlyDictionary<string, string> Metadata,
    bool Revoked, long Version, IReadOnlyList<string>? AllowedTools = null)
{
    /// <summary>Gateway tool types the key may use; empty allows every one its organisation may.</summary>
    public IReadOnlyList<string> AllowedTools { get; init; } = AllowedTools ?? [];

    /// <summary>The key's effective status: revocation first, then expiry, then its owner and organisation.</summary>
    public KeyStatus StatusAt(DateTimeOffset now, OrganizationStatus org, UserStatus? owner) =>
        Revoked ? KeyStatus.Revoked
        : ExpiresAt <= now ? KeyStatus.Expired
        : org != OrganizationStatus.Active || owner is UserStatus.Blocked or UserStatus.Deleted ? KeyStatus.Disabled
        : KeyStatus.Active;
}

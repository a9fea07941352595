namespace Gateway.Domain.Tenancy;

/// <summary>
/// Every change to tenants, users and keys, as stored in their streams (one stream per resource, named
/// by its id). "Updated" events carry the full new value of every mutable field, so a projection never
/// needs the previous state to apply them.
/// </summary>
public interface ITenancyEvent
{
    /// <summary>The resource whose stream holds the event.</summary>
    string StreamId { get; }
}

public static class TenancyEventTypes
{
    public const string OrganizationCreated = "organization.created";
    public const string OrganizationUpdated = "organization.updated";
    public const string OrganizationSuspended = "organization.suspended";
    public const string OrganizationReactivated = "organization.reactivated";
    public const string OrganizationDeleted = "organization.deleted";
    public const string UserCreated = "user.created";
    public const string UserUpdated = "user.updated";
    public const string UserBlocked = "user.blocked";
    public const string UserUnblocked = "user.unblocked";
    public const string UserDeleted = "user.deleted";
    public const string KeyIssued = "key.issued";
    public const string KeyUpdated = "key.updated";
    public const string KeyRevoked = "key.revoked";
    public const string KeyRotated = "key.rotated";
    public const string KeyExpired = "key.expired";

    /// <summary>Wire name of each event record, and back.</summary>
    public static IReadOnlyDictionary<Type, string> ByClrType { get; } = new Dictionary<Type, string>
    {
        [typeof(OrganizationCreated)] = OrganizationCreated,
        [typeof(OrganizationUpdated)] = OrganizationUpdated,
        [typeof(OrganizationSuspended)] = OrganizationSuspended,
        [typeof(OrganizationReactivated)] = OrganizationReactivated,
        [typeof(OrganizationDeleted)] = OrganizationDeleted,
        [typeof(UserCreated)] = UserCreated,
        [typeof(UserUpdated)] = UserUpdated,
        [typeof(UserBlocked)] = UserBlocked,
        [typeof(UserUnblocked)] = UserUnblocked,
        [typeof(UserDeleted)] = UserDeleted,
        [typeof(KeyIssued)] = KeyIssued,
        [typeof(KeyUpdated)] = KeyUpdated,
        [typeof(KeyRevoked)] = KeyRevoked,
        [typeof(KeyRotated)] = KeyRotated,
        [typeof(KeyExpired)] = KeyExpired,
    };

    public static IReadOnlyDictionary<string, Type> ByName { get; } = ByClrType.ToDictionary(p => p.Value, p => p.Key);
}

/// <param name="AllowedTools">Gateway tool types its keys may use; null (an event from before tools) or empty allows every enabled tool.</param>
public sealed record OrganizationCreated(string OrgId, string Name, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<string> AllowedModels, IReadOnlyList<string>? AllowedTools = null) : ITenancyEvent
{
    public string StreamId => OrgId;
}

public sealed record OrganizationUpdated(string OrgId, string Name, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<string> AllowedModels, IReadOnlyList<string>? AllowedTools = null) : ITenancyEvent
{
    public string StreamId => OrgId;
}

public sealed record OrganizationSuspended(string OrgId, string? Reason) : ITenancyEvent
{
    public string StreamId => OrgId;
}

public sealed record OrganizationReactivated(string OrgId) : ITenancyEvent
{
    public string StreamId => OrgId;
}

public sealed record OrganizationDeleted(string OrgId) : ITenancyEvent
{
    public string StreamId => OrgId;
}

public sealed record UserCreated(
    string UserId, string OrgId, string ExternalId, string? Alias, string? Email, OrgRole Role, IReadOnlyDictionary<string, string> Metadata) : ITenancyEvent
{
    public string StreamId => UserId;
}

public sealed record UserUpdated(
    string UserId, string? Alias, string? Email, OrgRole Role, IReadOnlyDictionary<string, string> Metadata) : ITenancyEvent
{
    public string StreamId => UserId;
}

public sealed record UserBlocked(string UserId, string? Reason) : ITenancyEvent
{
    public string StreamId => UserId;
}

public sealed record UserUnblocked(string UserId) : ITenancyEvent
{
    public string StreamId => UserId;
}

public sealed record UserDeleted(string UserId) : ITenancyEvent
{
    public string StreamId => UserId;
}

/// <param name="Hash">Keyed hash of the secret (base64); the secret itself is never stored.</param>
public sealed record KeyIssued(
    string KeyId, string OrgId, string? UserId, string Name, string Prefix, string Hash, DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> AllowedModels, int? RpmLimit, int? TpmLimit, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<string>? AllowedTools = null) : ITenancyEvent
{
    public string StreamId => KeyId;
}

public sealed record KeyUpdated(
    string KeyId, string Name, DateTimeOffset? ExpiresAt, IReadOnlyList<string> AllowedModels, int? RpmLimit, int? TpmLimit,
    IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<string>? AllowedTools = null) : ITenancyEvent
{
    public string StreamId => KeyId;
}

public sealed record KeyRevoked(string KeyId, string? Reason) : ITenancyEvent
{
    public string StreamId => KeyId;
}

/// <param name="PreviousValidUntil">Until when the replaced secret still works; null or past: it stopped at once.</param>
public sealed record KeyRotated(string KeyId, string Prefix, string Hash, string PreviousHash, DateTimeOffset? PreviousValidUntil) : ITenancyEvent
{
    public string StreamId => KeyId;
}

/// <summary>
/// The key's expiry passed. Authentication refused it from that instant on; this records the fact
/// for the audit log, once per expiry (an expiry moved later by an update is recorded again when it passes).
/// </summary>
public sealed record KeyExpired(string KeyId, DateTimeOffset ExpiresAt) : ITenancyEvent
{
    public string StreamId => KeyId;
}

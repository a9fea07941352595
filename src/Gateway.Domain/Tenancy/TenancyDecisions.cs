namespace Gateway.Domain.Tenancy;

/// <summary>The state changes tenants, users and keys allow. Pure: state in, event or refusal out.</summary>
public static class TenancyDecisions
{
    public static Decision Suspend(OrganizationState org, string? reason) => org.Status switch
    {
        OrganizationStatus.Deleted => DomainError.NotFound("organization"),
        OrganizationStatus.Suspended => DomainError.Conflict("organization is already suspended"),
        _ => Decision.Emit(new OrganizationSuspended(org.Id, reason)),
    };

    public static Decision Reactivate(OrganizationState org) => org.Status switch
    {
        OrganizationStatus.Deleted => DomainError.NotFound("organization"),
        OrganizationStatus.Active => DomainError.Conflict("organization is not suspended"),
        _ => Decision.Emit(new OrganizationReactivated(org.Id)),
    };

    public static Decision Delete(OrganizationState org) => org.Status == OrganizationStatus.Deleted
        ? DomainError.NotFound("organization")
        : Decision.Emit(new OrganizationDeleted(org.Id));

    public static Decision Block(UserState user, string? reason) => user.Status switch
    {
        UserStatus.Deleted => DomainError.NotFound("user"),
        UserStatus.Blocked => DomainError.Conflict("user is already blocked"),
        _ => Decision.Emit(new UserBlocked(user.Id, reason)),
    };

    public static Decision Unblock(UserState user) => user.Status switch
    {
        UserStatus.Deleted => DomainError.NotFound("user"),
        UserStatus.Active => DomainError.Conflict("user is not blocked"),
        _ => Decision.Emit(new UserUnblocked(user.Id)),
    };

    public static Decision Delete(UserState user) => user.Status == UserStatus.Deleted
        ? DomainError.NotFound("user")
        : Decision.Emit(new UserDeleted(user.Id));

    public static Decision Revoke(KeyState key, string? reason) => key.Revoked
        ? DomainError.Conflict("key is already revoked")
        : Decision.Emit(new KeyRevoked(key.Id, reason));

    /// <summary>A revoked key cannot come back through rotation; an expired one can, with a new expiry set by update.</summary>
    public static Decision Rotate(KeyState key, string prefix, string hash, string previousHash, DateTimeOffset now, TimeSpan grace) => key.Revoked
        ? DomainError.Conflict("a revoked key cannot be rotated; issue a new one")
        : Decision.Emit(new KeyRotated(key.Id, prefix, hash, previousHash, grace > TimeSpan.Zero ? now + grace : null));

    /// <summary>Records that a key's expiry passed, unless it was already recorded for that expiry or the key was revoked first.</summary>
    /// <param name="recordedFor">The expiry a <see cref="KeyExpired"/> was last recorded for; null: none yet.</param>
    public static Decision RecordExpiry(KeyState key, DateTimeOffset? recordedFor, DateTimeOffset now) => key.ExpiresAt switch
    {
        _ when key.Revoked => DomainError.Conflict("a revoked key does not expire: it was revoked"),
        null => DomainError.Conflict("the key has no expiry"),
        { } at when at > now => DomainError.Conflict("the key has not expired yet"),
        { } at when at == recordedFor => DomainError.Conflict("the key's expiry is already recorded"),
        { } at => Decision.Emit(new KeyExpired(key.Id, at)),
    };
}

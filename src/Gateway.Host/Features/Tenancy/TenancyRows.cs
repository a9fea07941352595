using Gateway.Domain.Tenancy;

namespace Gateway.Host.Features.Tenancy;

internal sealed record OrganizationRow(OrganizationState State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed record UserRow(UserState State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <param name="OrgStatus">The owning organisation's status, for the key's effective status.</param>
/// <param name="OwnerStatus">The owning user's status; null for organisation-owned keys.</param>
internal sealed record KeyRow(
    KeyState State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastUsedAt,
    DateTimeOffset? PreviousValidUntil, OrganizationStatus OrgStatus, UserStatus? OwnerStatus)
{
    public KeyStatus StatusAt(DateTimeOffset now) => State.StatusAt(now, OrgStatus, OwnerStatus);
}

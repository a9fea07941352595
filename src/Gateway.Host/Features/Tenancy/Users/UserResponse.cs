using Gateway.Domain.Tenancy;

namespace Gateway.Host.Features.Tenancy.Users;

/// <summary>A user of an organisation.</summary>
/// <param name="ExternalId">Your identifier for the user (unique within the organisation).</param>
/// <param name="Version">Changes with every update; send it back as <c>If-Match</c>.</param>
internal sealed record UserResponse(
    string Id, string OrgId, string ExternalId, string? Alias, string? Email, OrgRole Role, IReadOnlyDictionary<string, string> Metadata,
    UserStatus Status, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static UserResponse Example { get; } = new(
        "usr_019a8b2c3d4e7f00a1b2c3d4e5f60719", "org_019a8b2c3d4e7f00a1b2c3d4e5f60718", "alice@acme", "Alice", "alice@acme.example",
        OrgRole.Member, new Dictionary<string, string> { ["team"] = "search" }, UserStatus.Active, 1, new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.Zero));

    public static UserResponse From(UserRow row) => new(
        row.State.Id, row.State.OrgId, row.State.ExternalId, row.State.Alias, row.State.Email, row.State.Role, row.State.Metadata,
        row.State.Status, row.State.Version, row.CreatedAt, row.UpdatedAt);
}

using Gateway.Domain.Tenancy;

namespace Gateway.Host.Features.Tenancy.Organizations;

/// <summary>An organisation (tenant).</summary>
/// <param name="AllowedModels">Model patterns its keys may use (<c>openai:*</c>, <c>gemini:gemini-2.5-*</c>); empty allows all.</param>
/// <param name="Version">Changes with every update; send it back as <c>If-Match</c>.</param>
internal sealed record OrganizationResponse(
    string Id, string Name, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<string> AllowedModels,
    OrganizationStatus Status, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static OrganizationResponse From(OrganizationRow row) => new(
        row.State.Id, row.State.Name, row.State.Metadata, row.State.AllowedModels, row.State.Status, row.State.Version, row.CreatedAt, row.UpdatedAt);
}

using Gateway.Domain.Tenancy;

namespace Gateway.Host.Features.Tenancy.Organizations;

/// <summary>An organisation (tenant).</summary>
/// <param name="AllowedModels">Model patterns its keys may use (<c>openai:*</c>, <c>gemini:gemini-2.5-*</c>); empty allows all.</param>
/// <param name="AllowedTools">Gateway tool types its keys may use (<c>gateway_web_search</c>, <c>gateway_code_execution</c>); empty allows every enabled tool.</param>
/// <param name="Version">Changes with every update; send it back as <c>If-Match</c>.</param>
internal sealed record OrganizationResponse(
    string Id, string Name, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<string> AllowedModels, IReadOnlyList<string> AllowedTools,
    OrganizationStatus Status, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static OrganizationResponse Example { get; } = new(
        "org_019a8b2c3d4e7f00a1b2c3d4e5f60718", "Acme Research", new Dictionary<string, string> { ["cost_center"] = "R&D-42" },
        ["openai:*", "gemini:gemini-2.5-*"], ["gateway_web_search"], OrganizationStatus.Active, 1, new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.Zero));

    public static OrganizationResponse From(OrganizationRow row) => new(
        row.State.Id, row.State.Name, row.State.Metadata, row.State.AllowedModels, row.State.AllowedTools, row.State.Status, row.State.Version, row.CreatedAt, row.UpdatedAt);
}

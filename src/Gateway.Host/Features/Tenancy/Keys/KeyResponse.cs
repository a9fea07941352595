using Gateway.Domain.Tenancy;

namespace Gateway.Host.Features.Tenancy.Keys;

/// <summary>A virtual key as lists and reads show it: never its secret, which only issue and rotate return.</summary>
/// <param name="Prefix">The secret's first characters, to tell keys apart.</param>
/// <param name="Status">What the key can do now: active, revoked, expired, or disabled (owner blocked or deleted, organization suspended).</param>
/// <param name="UserId">The owning user; null for a key owned by the organization itself.</param>
/// <param name="PreviousKeyValidUntil">After a rotation with a grace period: until when the replaced secret still works.</param>
/// <param name="AllowedTools">Gateway tool types the key may use; empty allows every one its organization may.</param>
/// <param name="LastUsedAt">Recorded within a few seconds of use.</param>
internal record KeyResponse(
    string Id, string OrgId, string? UserId, string Name, string Prefix, KeyStatus Status, DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> AllowedModels, IReadOnlyList<string> AllowedTools, int? RpmLimit, int? TpmLimit, IReadOnlyDictionary<string, string> Metadata, long Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? PreviousKeyValidUntil)
{
    public static KeyResponse Example { get; } = new(
        "key_019a8b2c3d4e7f00a1b2c3d4e5f6071a", "org_019a8b2c3d4e7f00a1b2c3d4e5f60718", "usr_019a8b2c3d4e7f00a1b2c3d4e5f60719", "alice laptop",
        "gw_Xq3vB9kLm", KeyStatus.Active, new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero), ["gemini:*"], ["gateway_web_search"], 60, 100_000,
        new Dictionary<string, string> { ["purpose"] = "notebooks" }, 1, new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.Zero), null, null);

    public static KeyResponse From(KeyRow row, DateTimeOffset now)
    {
        var k = row.State;
        return new(k.Id, k.OrgId, k.UserId, k.Name, k.Prefix, row.StatusAt(now), k.ExpiresAt, k.AllowedModels, k.AllowedTools, k.RpmLimit, k.TpmLimit,
            k.Metadata, k.Version, row.CreatedAt, row.UpdatedAt, row.LastUsedAt, row.PreviousValidUntil > now ? row.PreviousValidUntil : null);
    }
}

/// <summary>A key with its secret: returned once, by issue and rotate. Store it now; it cannot be shown again.</summary>
/// <param name="Secret">Send it as Authorization: Bearer, x-api-key, x-goog-api-key or ?key=.</param>
internal sealed record KeyWithSecretResponse(
    string Id, string OrgId, string? UserId, string Name, string Prefix, KeyStatus Status, DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> AllowedModels, IReadOnlyList<string> AllowedTools, int? RpmLimit, int? TpmLimit, IReadOnlyDictionary<string, string> Metadata, long Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? PreviousKeyValidUntil, string Secret)
    : KeyResponse(Id, OrgId, UserId, Name, Prefix, Status, ExpiresAt, AllowedModels, AllowedTools, RpmLimit, TpmLimit, Metadata, Version, CreatedAt, UpdatedAt, LastUsedAt, PreviousKeyValidUntil)
{
    public static new KeyWithSecretResponse Example { get; } = From(KeyResponse.Example, "gw_Xq3vB9kLmT2rW8yZp4sN6dF1hJ5cV7bA0eG3iK9oU2q");

    public static KeyWithSecretResponse From(KeyRow row, DateTimeOffset now, string secret) => From(KeyResponse.From(row, now), secret);

    private static KeyWithSecretResponse From(KeyResponse k, string secret) =>
        new(k.Id, k.OrgId, k.UserId, k.Name, k.Prefix, k.Status, k.ExpiresAt, k.AllowedModels, k.AllowedTools, k.RpmLimit, k.TpmLimit, k.Metadata, k.Version,
            k.CreatedAt, k.UpdatedAt, k.LastUsedAt, k.PreviousKeyValidUntil, secret);
}

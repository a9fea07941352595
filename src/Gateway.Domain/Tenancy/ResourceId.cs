using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Gateway.Domain.Tenancy;

/// <summary>
/// Ids carry their kind (<c>org_</c>, <c>usr_</c>, <c>key_</c>) and a time-ordered UUIDv7, so they sort by
/// creation and a key id pasted where a user id belongs is caught at once.
/// </summary>
public static class ResourceId
{
    public const string Organization = "org";
    public const string User = "usr";
    public const string Key = "key";

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static string New(string kind) => $"{kind}_{Guid.CreateVersion7():N}";

    public static bool IsValid(string kind, [NotNullWhen(true)] string? id) =>
        id is not null
        && id.Length == kind.Length + 33
        && id.StartsWith(kind + "_", StringComparison.Ordinal)
        && !id.AsSpan(kind.Length + 1).ContainsAnyExcept(LowerHex);
}

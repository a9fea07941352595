using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Gateway.Domain.Tenancy;

/// <summary>
/// Ids carry their kind (<c>org_</c>, <c>usr_</c>, <c>key_</c>) and a time-ordered UUIDv7, so they sort by
/// creation and a key id pasted where a user id belongs is caught at once.
/// </summary>
/// <remarks>
/// A UUIDv7 orders by its millisecond only; within one millisecond its random bits decide. So ids made
/// in the same millisecond are made monotonic (RFC 9562, 6.2, method 2): one not above the last made is
/// the last plus one, which keeps the time, the version and the variant, and makes the order the order of making.
/// </remarks>
public static class ResourceId
{
    public const string Organization = "org";
    public const string User = "usr";
    public const string Key = "key";

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private static readonly Lock LastLock = new();
    private static UInt128 _last;

    public static string New(string kind) => $"{kind}_{Next():x32}";

    private static UInt128 Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7().TryWriteBytes(bytes, bigEndian: true, out _);
        var made = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        lock (LastLock)
        {
            _last = made > _last ? made : _last + 1;
            return _last;
        }
    }

    public static bool IsValid(string kind, [NotNullWhen(true)] string? id) =>
        id is not null
        && id.Length == kind.Length + 33
        && id.StartsWith(kind + "_", StringComparison.Ordinal)
        && !id.AsSpan(kind.Length + 1).ContainsAnyExcept(LowerHex);
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Host.Features.Auth;

/// <summary>
/// Virtual key secrets: <c>gw_</c> plus 256 random bits, URL-safe. Only an HMAC-SHA-256 of the secret is
/// stored, under a pepper derived from the master key, so a leaked database holds nothing usable and
/// cannot be brute-forced without the master key too.
/// </summary>
internal sealed class KeySecrets
{
    public const string Prefix = "gw_";
    private const int RandomBytes = 32;
    private const int SecretLength = 3 + 43;
    private const int DisplayLength = 12;
    private readonly byte[] _pepper;
    private readonly byte[] _adminHash;

    public KeySecrets(byte[] masterKey, string adminToken)
    {
        _pepper = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "gateway/virtual-key-hash/v1"u8.ToArray());
        _adminHash = HMACSHA256.HashData(_pepper, Encoding.UTF8.GetBytes(adminToken));
    }

    public static string NewSecret() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>What lists show of a secret: enough to tell keys apart, far too little to guess the rest.</summary>
    public static string DisplayPrefix(string secret) => secret[..DisplayLength];

    /// <summary>Cheap shape check so garbage never costs a hash.</summary>
    public static bool LooksLikeKey(string candidate) =>
        candidate.Length == SecretLength && candidate.StartsWith(Prefix, StringComparison.Ordinal);

    public byte[] Hash(string secret) => HMACSHA256.HashData(_pepper, Encoding.UTF8.GetBytes(secret));

    /// <summary>Constant-time comparison with the bootstrap admin token.</summary>
    public bool IsAdminToken(string candidate) =>
        CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_pepper, Encoding.UTF8.GetBytes(candidate)), _adminHash);
}

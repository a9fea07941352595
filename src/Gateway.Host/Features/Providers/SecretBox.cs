using System.Security.Cryptography;
using System.Text;

namespace Gateway.Host.Features.Providers;

/// <summary>
/// Encrypts upstream provider keys at rest: AES-256-GCM under a key derived from the master key, a
/// fresh 96-bit nonce each time, stored as base64(nonce | ciphertext | tag). A changed byte fails to open.
/// </summary>
internal sealed class SecretBox(byte[] masterKey)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "gateway/provider-key-encryption/v1"u8.ToArray());

    public string Seal(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <exception cref="CryptographicException">The value was altered or sealed under another master key.</exception>
    public string Open(string sealedValue)
    {
        var bytes = Convert.FromBase64String(sealedValue);
        var plain = new byte[bytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(bytes.AsSpan(0, NonceSize), bytes.AsSpan(NonceSize, plain.Length), bytes.AsSpan(NonceSize + plain.Length), plain);
        return Encoding.UTF8.GetString(plain);
    }
}

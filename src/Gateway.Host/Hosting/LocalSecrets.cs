using System.Buffers.Text;
using System.Security.Cryptography;

namespace Gateway.Host.Hosting;

/// <summary>
/// The gateway's own secrets. A first run with none configured (a developer trying it out) gets a
/// master key and a bootstrap admin token generated once into the data dir, mode 0600, and reused after.
/// Production sets <c>GATEWAY_MASTER_KEY</c> and <c>GATEWAY_ADMIN_TOKEN</c> (see <c>gateway init</c>).
/// </summary>
internal static class LocalSecrets
{
    /// <summary>Prefix of platform-admin tokens, so a leaked one is recognisable in a secret scanner.</summary>
    public const string AdminTokenPrefix = "gwa_";

    public static string NewMasterKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string NewAdminToken() => AdminTokenPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <param name="report">Told what was generated, with where, never with the value.</param>
    public static GatewaySettings Ensure(GatewaySettings settings, Action<string> report)
    {
        var masterKey = settings.MasterKey ?? Convert.FromBase64String(ReadOrCreate(
            Path.Combine(settings.DataDir, "master.key"), NewMasterKey,
            path => report($"generated a master key in {path}; back it up (every virtual key is hashed under it: lose it and all keys stop working) or set {Setting.MasterKey.EnvironmentVariable}")));
        var adminToken = settings.AdminToken ?? ReadOrCreate(
            Path.Combine(settings.DataDir, "admin.token"), NewAdminToken,
            path => report($"generated a bootstrap admin token in {path}; use it as the bearer token of the management API"));
        return settings with { MasterKey = masterKey, AdminToken = adminToken };
    }

    private static string ReadOrCreate(string path, Func<string> generate, Action<string> created)
    {
        if (File.Exists(path))
            return File.ReadAllText(path).Trim();
        var value = generate();
        using (var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(value);
        }

        created(path);
        return value;
    }
}

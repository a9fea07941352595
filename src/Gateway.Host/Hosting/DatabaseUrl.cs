using Npgsql;

namespace Gateway.Host.Hosting;

/// <summary>Turns the URL form most tools print (postgresql://user:pass@host:port/db) into an Npgsql connection string.</summary>
internal static class DatabaseUrl
{
    private const string Expected = "expected postgresql://user:password@host:5432/database or an Npgsql connection string (Host=...;Username=...)";

    /// <summary>Never echoes the value back: it usually carries a password.</summary>
    public static string ToConnectionString(string value)
    {
        value = value.Trim();
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return FromUrl(value);
        if (value.Contains('=', StringComparison.Ordinal) && !value.Contains("://", StringComparison.Ordinal))
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(value);
                return string.IsNullOrEmpty(builder.Host)
                    ? throw new SettingsException($"{Setting.DatabaseUrl.EnvironmentVariable} has no Host: {Expected}")
                    : builder.ConnectionString;
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw new SettingsException($"{Setting.DatabaseUrl.EnvironmentVariable} is not a valid connection string ({FirstSentence(e.Message)}): {Expected}");
            }
        }

        throw new SettingsException($"{Setting.DatabaseUrl.EnvironmentVariable} is not a database URL: {Expected}");
    }

    private static string FromUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new SettingsException($"{Setting.DatabaseUrl.EnvironmentVariable} is not a valid URL: {Expected}");

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        if (userInfo.Length == 2)
            builder.Password = Uri.UnescapeDataString(userInfo[1]);

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, raw) = pair.Split('=', 2) is [var n, var v] ? (n, Uri.UnescapeDataString(v)) : (pair, "");
            switch (name.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = Enum.TryParse<SslMode>(raw.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode)
                        ? mode
                        : throw new SettingsException($"{Setting.DatabaseUrl.EnvironmentVariable} has an unknown sslmode '{raw}' (disable, allow, prefer, require, verify-ca, verify-full)");
                    break;
                case "application_name":
                    builder.ApplicationName = raw;
                    break;
                case "connect_timeout":
                    builder.Timeout = int.TryParse(raw, out var seconds) ? seconds : throw new SettingsException($"{Setting.DatabaseUrl.EnvironmentVariable}: connect_timeout must be whole seconds");
                    break;
                default:
                    throw new SettingsException($"{Setting.DatabaseUrl.EnvironmentVariable} has an unsupported parameter '{name}' (supported: sslmode, application_name, connect_timeout)");
            }
        }

        return builder.ConnectionString;
    }

    private static string FirstSentence(string message) => message.Split('\n')[0].TrimEnd('.');
}

namespace Gateway.Host.Hosting;

/// <summary>
/// Resolves every <see cref="Setting"/> with one precedence: command line, then environment
/// (a <c>.env</c> file fills what the real environment leaves unset), then config file, then default.
/// </summary>
internal static class SettingsLoader
{
    public static GatewaySettings Load(
        IReadOnlyDictionary<Setting, string?> commandLine, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        var env = new Dictionary<string, string?>(environment, StringComparer.Ordinal);
        foreach (var (key, value) in DotEnvFile.Read(Path.Combine(workingDirectory, ".env")))
            env.TryAdd(key, value);

        var configPath = commandLine.GetValueOrDefault(Setting.Config) ?? env.GetValueOrDefault(Setting.Config.EnvironmentVariable);
        if (configPath is null && File.Exists(Path.Combine(workingDirectory, "gateway.yaml")))
            configPath = "gateway.yaml";
        configPath = configPath is null ? null : Path.GetFullPath(configPath, workingDirectory);
        var file = configPath is null ? new Dictionary<string, string?>() : ConfigFile.Read(configPath, env);

        string? Value(Setting s) =>
            commandLine.GetValueOrDefault(s) is { Length: > 0 } cli ? cli
            : env.GetValueOrDefault(s.EnvironmentVariable) is { Length: > 0 } fromEnv ? fromEnv
            : file.GetValueOrDefault(s.Key) is { Length: > 0 } fromFile ? fromFile
            : null;

        var databaseUrl = Value(Setting.DatabaseUrl);
        return new GatewaySettings
        {
            Urls = ParseUrls(Value(Setting.Urls) ?? Setting.Urls.Default!),
            DataDir = Path.GetFullPath(Value(Setting.DataDir) ?? "data", workingDirectory),
            ConnectionString = databaseUrl is null ? null : DatabaseUrl.ToConnectionString(databaseUrl),
            Schema = ParseSchema(Value(Setting.DatabaseSchema) ?? Setting.DatabaseSchema.Default!),
            AutoMigrate = ParseBool(Setting.AutoMigrate, Value(Setting.AutoMigrate) ?? "true"),
            PostgresBin = Value(Setting.PostgresBin),
            MasterKey = ParseMasterKey(Value(Setting.MasterKey)),
            AdminToken = Value(Setting.AdminToken),
            ConfigFile = configPath,
            ConfigValues = file,
        };
    }

    private static List<string> ParseUrls(string value)
    {
        var urls = value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https"))
                throw new SettingsException($"{Setting.Urls.Option} '{url}' is not an http(s) address such as http://127.0.0.1:8080");
        }

        return urls.Count > 0 ? urls : throw new SettingsException($"{Setting.Urls.Option} is empty; give at least one address such as http://127.0.0.1:8080");
    }

    private static string ParseSchema(string value) =>
        value.Length is > 0 and < 64 && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') && !char.IsAsciiDigit(value[0])
            ? value
            : throw new SettingsException($"{Setting.DatabaseSchema.EnvironmentVariable} '{value}' must be lower-case letters, digits and '_' (at most 63), not starting with a digit");

    private static bool ParseBool(Setting setting, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new SettingsException($"{setting.EnvironmentVariable} must be true or false, not '{value}'"),
    };

    private static byte[]? ParseMasterKey(string? value)
    {
        if (value is null)
            return null;
        try
        {
            var bytes = Convert.FromBase64String(value.Replace('-', '+').Replace('_', '/').PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '='));
            if (bytes.Length == 32)
                return bytes;
        }
        catch (FormatException)
        {
            // Reported below without echoing the value: it is a secret.
        }

        throw new SettingsException(
            $"{Setting.MasterKey.EnvironmentVariable} must be 32 random bytes in base64 (44 characters); `gateway init` writes one");
    }
}

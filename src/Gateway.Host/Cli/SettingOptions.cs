using System.CommandLine;
using Gateway.Host.Hosting;

namespace Gateway.Host.Cli;

/// <summary>The command-line face of <see cref="Setting"/>: one option per setting, described with its env var and default.</summary>
internal sealed class SettingOptions
{
    private readonly Dictionary<Setting, Option<string?>> _options = [];

    /// <summary>Secrets are left off the command line, where other users of the machine could read them.</summary>
    public SettingOptions(Command command, params Setting[] settings)
    {
        foreach (var setting in settings)
        {
            var option = new Option<string?>(setting.Option)
            {
                Description = $"{setting.Description} [env: {setting.EnvironmentVariable}]" + (setting.Default is null ? "" : $" [default: {setting.Default}]"),
            };
            command.Options.Add(option);
            _options[setting] = option;
        }
    }

    public GatewaySettings Load(ParseResult parse) =>
        SettingsLoader.Load(
            _options.ToDictionary(o => o.Key, o => parse.GetValue(o.Value)),
            Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal),
            Environment.CurrentDirectory);
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Host.Hosting;

/// <summary>
/// Reads the YAML configuration file into flat <c>section:key</c> pairs, substituting <c>${VAR}</c> and
/// <c>${VAR:-default}</c> from the environment first, so secrets stay out of the file.
/// </summary>
internal static partial class ConfigFile
{
    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?<default>[^}]*))?\}")]
    private static partial Regex Variable();

    public static Dictionary<string, string?> Read(string path, IReadOnlyDictionary<string, string?> environment)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"config file {path} cannot be read ({e.Message}); fix its path or permissions, or drop --config");
        }

        return Parse(text, path, environment);
    }

    public static Dictionary<string, string?> Parse(string text, string path, IReadOnlyDictionary<string, string?> environment)
    {
        var substituted = Substitute(text, path, environment);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(substituted));
            if (stream.Documents.Count == 0)
                return values;
            if (stream.Documents[0].RootNode is not YamlMappingNode root)
                throw new SettingsException($"config file {path} must be a mapping of settings (key: value) at the top level");
            Flatten(root, prefix: null, values);
        }
        catch (YamlException e)
        {
            throw new SettingsException($"config file {path} is not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }

        return values;
    }

    private static string Substitute(string text, string path, IReadOnlyDictionary<string, string?> environment)
    {
        var lines = text.Split('\n');
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith('#'))
            {
                result.Append(line);
            }
            else
            {
                result.Append(Variable().Replace(line, m =>
                {
                    var name = m.Groups["name"].Value;
                    if (environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value))
                        return value;
                    if (m.Groups["default"].Success)
                        return m.Groups["default"].Value;
                    throw new SettingsException(
                        $"config file {path} line {(i + 1).ToString(CultureInfo.InvariantCulture)} uses ${{{name}}} but {name} is not set; set it or write ${{{name}:-default}}");
                }));
            }

            if (i < lines.Length - 1)
                result.Append('\n');
        }

        return result.ToString();
    }

    private static void Flatten(YamlNode node, string? prefix, Dictionary<string, string?> values)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, child) in mapping.Children)
                    Flatten(child, Join(prefix, ((YamlScalarNode)key).Value ?? ""), values);
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                    Flatten(sequence.Children[i], Join(prefix, i.ToString(CultureInfo.InvariantCulture)), values);
                break;
            case YamlScalarNode scalar:
                values[prefix ?? ""] = scalar.Value is "~" or "null" ? null : scalar.Value;
                break;
        }
    }

    private static string Join(string? prefix, string key) => prefix is null ? key : prefix + ":" + key;
}

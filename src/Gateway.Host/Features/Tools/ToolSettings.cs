using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Host.Hosting;
using Gateway.Tools.CodeExecution;
using Gateway.Tools.WebSearch;

namespace Gateway.Host.Features.Tools;

/// <summary>
/// The config file's <c>tools:</c> section (each tool's switch and limits, <c>intercept_native</c>,
/// <c>max_tool_iterations</c>) and <c>tool_prices:</c>, checked at start: a key that is not a setting, a value of the
/// wrong kind or out of range, or an enabled tool whose limits cannot work stops the gateway with a line naming it.
/// </summary>
internal sealed record ToolSettings(
    bool WebSearchEnabled, WebSearchOptions WebSearch, bool CodeExecutionEnabled, CodeExecutionOptions CodeExecution,
    bool InterceptNative, int MaxToolIterations, IReadOnlyDictionary<GatewayToolKind, ToolPrice> Prices)
{
    public const int DefaultIterations = 10;

    /// <summary>The operator's cap on <c>max_tool_iterations</c>: a loop of more rounds than this is no longer a tool loop.</summary>
    public const int IterationCap = 25;

    public static ToolSettings Default { get; } = new(false, new WebSearchOptions(), false, new CodeExecutionOptions(), false, DefaultIterations, ReadPrices(null));

    /// <summary>The tool's section under <c>tools:</c>.</summary>
    public static string Section(GatewayToolKind kind) => kind switch
    {
        GatewayToolKind.WebSearch => "web_search",
        GatewayToolKind.CodeExecution => "code_execution",
    };

    public bool Enabled(GatewayToolKind kind) => kind switch
    {
        GatewayToolKind.WebSearch => WebSearchEnabled,
        GatewayToolKind.CodeExecution => CodeExecutionEnabled,
    };

    public static ToolSettings FromConfiguration(IConfiguration configuration)
    {
        var tools = configuration.GetSection("tools");
        string[] keys = [.. Enum.GetValues<GatewayToolKind>().Select(Section), "intercept_native", "max_tool_iterations"];
        if (tools.GetChildren().FirstOrDefault(c => !keys.Contains(c.Key)) is { } unknown)
            throw new SettingsException($"tools.{unknown.Key} is not a setting; tools has {string.Join(", ", keys)}");

        var (webEnabled, web) = Tool<WebSearchOptions>(tools, GatewayToolKind.WebSearch);
        var (codeEnabled, code) = Tool<CodeExecutionOptions>(tools, GatewayToolKind.CodeExecution);
        if (webEnabled && web.Validate() is [var webProblem, ..])
            throw new SettingsException(webProblem);
        if (codeEnabled && code.Validate() is [var codeProblem, ..])
            throw new SettingsException(codeProblem);
        var iterations = tools["max_tool_iterations"] is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= IterationCap
                ? n
                : throw new SettingsException($"tools.max_tool_iterations must be a whole number from 1 to {IterationCap}, not '{text}'")
            : DefaultIterations;
        return new ToolSettings(webEnabled, web, codeEnabled, code, Bool(tools, "intercept_native", "tools.intercept_native"), iterations,
            ReadPrices(configuration.GetSection("tool_prices")));
    }

    private static (bool Enabled, T Options) Tool<T>(IConfigurationSection tools, GatewayToolKind kind)
        where T : new()
    {
        var at = $"tools.{Section(kind)}";
        var section = tools.GetSection(Section(kind));
        if (section.Value is { Length: > 0 } scalar)
            throw new SettingsException($"{at} must be a map such as {{ enabled: true }}, not '{scalar}'");
        var enabled = Bool(section, "enabled", $"{at}.enabled");
        return (enabled, SnakeCaseBinding.Bind<T>(section, at, except: "enabled"));
    }

    private static bool Bool(IConfiguration section, string key, string at) => section[key] switch
    {
        null => false,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new SettingsException($"{at} must be true or false, not '{text}'"),
    };

    private static Dictionary<GatewayToolKind, ToolPrice> ReadPrices(IConfigurationSection? section)
    {
        var prices = Enum.GetValues<GatewayToolKind>().ToDictionary(k => k, _ => ToolPrice.Free);
        if (section is null)
            return prices;
        foreach (var entry in section.GetChildren())
        {
            var at = $"tool_prices.{entry.Key}";
            if (GatewayToolNames.FromType(entry.Key) is not { } kind)
                throw new SettingsException($"{at} is not a gateway tool; tool_prices has {string.Join(", ", Enum.GetValues<GatewayToolKind>().Select(GatewayToolNames.Type))}");
            if (entry.GetChildren().FirstOrDefault(c => c.Key is not ("per_call" or "per_second")) is { } unknown)
                throw new SettingsException($"{at}.{unknown.Key} is not a setting; a tool's price has per_call and per_second");
            prices[kind] = new ToolPrice(Money(entry["per_call"], $"{at}.per_call"), Money(entry["per_second"], $"{at}.per_second"));
        }

        return prices;
    }

    private static decimal Money(string? text, string at)
    {
        if (text is null)
            return 0m;
        // Read as text and parsed as decimal: a float in between would lose fractions of a cent.
        return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new SettingsException($"{at} '{text}' must be a number of US dollars, zero or more");
    }
}

/// <summary>
/// Binds a tool's options record from its YAML section: each key is the property's <c>[ConfigurationKeyName]</c>, else
/// its name in snake case (<c>TimeoutSeconds</c> is <c>timeout_seconds</c>), so the README's keys are the only ones.
/// </summary>
internal static class SnakeCaseBinding
{
    public static T Bind<T>(IConfigurationSection section, string at, string except)
        where T : new()
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name));
        object options = new T();
        foreach (var child in section.GetChildren().Where(c => c.Key != except))
        {
            if (!properties.TryGetValue(child.Key, out var property))
                throw new SettingsException($"{at}.{child.Key} is not a setting; {at} has {except}, {string.Join(", ", properties.Keys.Where(k => k != except))}");
            property.SetValue(options, Value(child, property.PropertyType, $"{at}.{child.Key}"));
        }

        return (T)options;
    }

    private static object? Value(IConfigurationSection child, Type type, string at)
    {
        if (type == typeof(IReadOnlyList<string>))
        {
            if (child.Value is { Length: > 0 })
                throw new SettingsException($"{at} must be a list, e.g. [\"{child.Value}\"]");
            return child.GetChildren().Select(c => c.Value ?? throw new SettingsException($"{at}[{c.Key}] must be a string")).ToList();
        }

        var text = child.Value ?? throw new SettingsException($"{at} must be a value, not a map or list");
        if (type == typeof(string))
            return text;
        if (type == typeof(bool))
            return bool.TryParse(text, out var flag) ? flag : throw new SettingsException($"{at} must be true or false, not '{text}'");
        if (type == typeof(int))
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : throw new SettingsException($"{at} must be a whole number, not '{text}'");
        if (type == typeof(long))
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var large) ? large : throw new SettingsException($"{at} must be a whole number, not '{text}'");
        throw new InvalidOperationException($"{at}: options of type {type.Name} cannot be read from configuration");
    }
}

using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>
/// Anthropic's own web search (<c>web_search_20250305</c>, any <c>web_search_YYYYMMDD</c>) and code execution
/// (<c>code_execution_YYYYMMDD</c>) tool entries (<see cref="NativeToolUse"/>). Carried over to the gateway's tools in
/// their place: the entry's name, and for the search <c>max_uses</c>, <c>allowed_domains</c> and <c>blocked_domains</c>.
/// Not carried: <c>user_location</c> (the gateway's search backend has no such setting) and <c>cache_control</c>.
/// Anthropic's other server tools (web fetch, bash, text editor, ...) have no gateway tool to stand in for them.
/// </summary>
public static class AnthropicNativeTools
{
    private static readonly string[] SearchOptions = ["allowed_domains", "blocked_domains"];

    /// <summary>The gateway tool kind that can stand in for an entry of this type; null when none can.</summary>
    public static GatewayToolKind? KindOf(string? type) => type switch
    {
        _ when Versioned(type, "web_search_") => GatewayToolKind.WebSearch,
        _ when Versioned(type, "code_execution_") => GatewayToolKind.CodeExecution,
        _ => null,
    };

    /// <summary>The request's entries of Anthropic's web search and code execution, read from a body the validator accepted.</summary>
    public static IReadOnlyList<NativeToolUse> Read(JsonObject body) =>
        [.. (body["tools"] as JsonArray ?? []).Select((tool, i) => tool is JsonObject entry && KindOf(JsonText.Of(entry["type"])) is { } kind ? Use(entry, kind, i) : null).OfType<NativeToolUse>()];

    private static NativeToolUse Use(JsonObject entry, GatewayToolKind kind, int index)
    {
        var options = new JsonObject();
        if (kind == GatewayToolKind.WebSearch)
        {
            foreach (var name in SearchOptions.Where(entry.ContainsKey))
                options[name] = entry[name]?.DeepClone();
        }

        var maxUses = entry["max_uses"] is JsonValue value && value.TryGetValue<int>(out var uses) ? uses : (int?)null;
        return new NativeToolUse($"tools[{index}] ({JsonText.Of(entry["type"])})", new GatewayToolUse(kind, JsonText.Of(entry["name"]), options, maxUses));
    }

    /// <summary>Anthropic versions its server tools by date: <c>web_search_20250305</c>.</summary>
    private static bool Versioned(string? type, string prefix) =>
        type is not null && type.StartsWith(prefix, StringComparison.Ordinal) && type.Length == prefix.Length + 8 && type[prefix.Length..].All(char.IsAsciiDigit);
}

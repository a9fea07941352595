using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// The Responses API's hosted web search (<c>web_search</c>, <c>web_search_preview</c> and their dated versions) and code
/// interpreter (<c>code_interpreter</c>) tool entries (<see cref="NativeToolUse"/>). Carried over to the gateway's tools in
/// their place: the search's <c>filters.allowed_domains</c>. Not carried: <c>search_context_size</c> and
/// <c>user_location</c> (the gateway's search backend has no such settings) and the interpreter's <c>container</c> (each
/// of the gateway's runs has a sandbox of its own). OpenAI's other hosted tools (file search, computer use, MCP, image
/// generation, shells, ...) have no gateway tool to stand in for them.
/// </summary>
public static class OpenAIResponsesNativeTools
{
    /// <summary>The gateway tool kind that can stand in for an entry of this type; null when none can.</summary>
    public static GatewayToolKind? KindOf(string? type) => type switch
    {
        "web_search" or "web_search_preview" => GatewayToolKind.WebSearch,
        _ when Dated(type, "web_search_") || Dated(type, "web_search_preview_") => GatewayToolKind.WebSearch,
        "code_interpreter" => GatewayToolKind.CodeExecution,
        _ => null,
    };

    /// <summary>The request's hosted search and code interpreter entries, read from a body the validator accepted.</summary>
    public static IReadOnlyList<NativeToolUse> Read(JsonObject body) =>
        [.. (body["tools"] as JsonArray ?? []).Select((tool, i) => tool is JsonObject entry && KindOf(JsonText.Of(entry["type"])) is { } kind ? Use(entry, kind, i) : null).OfType<NativeToolUse>()];

    private static NativeToolUse Use(JsonObject entry, GatewayToolKind kind, int index)
    {
        var options = new JsonObject();
        if (kind == GatewayToolKind.WebSearch && entry["filters"]?["allowed_domains"] is JsonArray domains)
            options["allowed_domains"] = domains.DeepClone();
        return new NativeToolUse($"tools[{index}] ({JsonText.Of(entry["type"])})", new GatewayToolUse(kind, null, options));
    }

    /// <summary>OpenAI dates its tool versions with underscores: <c>web_search_2025_08_26</c>.</summary>
    private static bool Dated(string? type, string prefix) =>
        type is not null && type.StartsWith(prefix, StringComparison.Ordinal) && type[prefix.Length..] is { Length: 10 } date
        && date[4] == '_' && date[7] == '_' && date.Where((c, i) => i is not (4 or 7)).All(char.IsAsciiDigit);
}

using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// Gemini's own Google Search (<c>googleSearch</c>, or <c>google_search</c>) and code execution (<c>codeExecution</c>,
/// or <c>code_execution</c>) tools (<see cref="NativeToolUse"/>). Carried over to the gateway's tools in their place:
/// the search's <c>excludeDomains</c> as <c>blocked_domains</c>. Not carried: <c>timeRangeFilter</c>,
/// <c>blockingConfidence</c> and <c>searchTypes</c> (the gateway's search backend has none of them), nor the legacy
/// <c>googleSearchRetrieval</c> and <c>urlContext</c>, which have no gateway tool to stand in for them.
/// </summary>
public static class GeminiNativeTools
{
    /// <summary>The gateway tool kind that can stand in for a tool of this key; null when none can.</summary>
    public static GatewayToolKind? KindOf(string key) => key switch
    {
        "googleSearch" or "google_search" => GatewayToolKind.WebSearch,
        "codeExecution" or "code_execution" => GatewayToolKind.CodeExecution,
        _ => null,
    };

    /// <summary>The request's Google Search and code execution tools, read from a request the validator accepted.</summary>
    public static IReadOnlyList<NativeToolUse> Read(JsonObject request) =>
        [.. (request["tools"] as JsonArray ?? []).SelectMany((tool, i) => (tool as JsonObject ?? [])
            .Select(entry => KindOf(entry.Key) is { } kind ? Use(kind, entry.Value as JsonObject ?? [], $"tools[{i}].{entry.Key}") : null)
            .OfType<NativeToolUse>())];

    private static NativeToolUse Use(GatewayToolKind kind, JsonObject native, string entry)
    {
        var options = new JsonObject();
        if ((native["excludeDomains"] ?? native["exclude_domains"]) is { } excluded)
            options["blocked_domains"] = excluded.DeepClone();
        return new NativeToolUse(entry, new GatewayToolUse(kind, null, options));
    }
}

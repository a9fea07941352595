using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat;

/// <summary>
/// What the three dialects' readers and validators share about a request's gateway tool entries: the options an entry
/// carries, and the checks every dialect makes of them (the options themselves are the tool's to judge).
/// </summary>
internal static class GatewayToolEntries
{
    /// <summary>
    /// The gateway tool entries of OpenAI's and Anthropic's <c>tools</c>, told apart by their <c>type</c>; Anthropic's
    /// also carry the <c>name</c> the client gave the tool (<paramref name="named"/>), which is not an option.
    /// </summary>
    public static IReadOnlyList<GatewayToolUse> ByType(JsonNode? tools, bool named) =>
        [.. (tools as JsonArray ?? []).OfType<JsonObject>().Select(entry => KindOfType(entry) is { } kind
            ? new GatewayToolUse(kind, named ? JsonText.Of(entry["name"]) : null, named ? Options(entry, "type", "name") : Options(entry, "type"))
            : null).OfType<GatewayToolUse>()];

    /// <summary>The gateway tool a <c>tools</c> entry of OpenAI or Anthropic asks for; null for any other entry.</summary>
    public static GatewayToolKind? KindOfType(JsonNode? entry) => JsonText.Of(entry?["type"]) is { } type ? GatewayToolNames.FromType(type) : null;

    /// <summary>The entry's own options: a copy of it without the keys that say which tool it is (<c>type</c>, <c>name</c>).</summary>
    public static JsonObject Options(JsonObject entry, params string[] identifying)
    {
        var options = entry.DeepClone().AsObject();
        foreach (var key in identifying)
            options.Remove(key);
        return options;
    }

    /// <summary>
    /// The entries of an OpenAI request's <c>tools</c> (chat's and the Responses API's) other than the gateway's, each with
    /// its path and its type, which every entry must have; the gateway's are checked as every dialect checks them (<see cref="Once"/>).
    /// </summary>
    public static IEnumerable<(JsonObject Tool, string Path, string? Type)> OtherThanTheGateways(JsonChecks check, JsonNode? node)
    {
        if (check.Array(node, "tools") is not { } tools)
            yield break;
        var gatewayTools = new HashSet<GatewayToolKind>();
        foreach (var (tool, at) in check.Objects(tools, "tools"))
        {
            var type = check.String(tool["type"], JsonChecks.Field(at, "type"), required: true);
            if (type is not null && GatewayToolNames.FromType(type) is { } kind)
                Once(check, gatewayTools, kind, at);
            else
                yield return (tool, at, type);
        }
    }

    /// <summary>
    /// A request asks for each gateway tool at most once: the loop opens one session per tool, and two entries would
    /// leave it to guess whose options count.
    /// </summary>
    public static void Once(JsonChecks check, HashSet<GatewayToolKind> seen, GatewayToolKind kind, string path)
    {
        if (!seen.Add(kind))
            check.Add(path, $"asks for {GatewayToolNames.Type(kind)} a second time (a request names each gateway tool once)");
    }
}

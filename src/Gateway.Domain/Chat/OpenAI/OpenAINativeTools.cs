using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// OpenAI chat's own web search: not a tool entry but the top-level <c>web_search_options</c> (<see cref="NativeToolUse"/>).
/// Its options, <c>search_context_size</c> and <c>user_location</c>, have no equivalent in the gateway's search, so
/// the gateway's runs in its place with the operator's settings.
/// </summary>
public static class OpenAINativeTools
{
    public const string Field = "web_search_options";

    /// <summary>The request's native web search, read from a body the validator accepted.</summary>
    public static IReadOnlyList<NativeToolUse> Read(JsonObject body) =>
        body[Field] is JsonObject ? [new NativeToolUse(Field, new GatewayToolUse(GatewayToolKind.WebSearch, null, []))] : [];
}

using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat;

/// <summary>The string a JSON node holds, or null when it holds anything else (or is absent): for reading fields a validator did not require.</summary>
internal static class JsonText
{
    public static string? Of(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>What a function call's part holds, in a request to Gemini and in an answer to a Gemini client alike.</summary>
internal static class GeminiParts
{
    /// <summary>
    /// Gemini's args are always an object. Arguments that are not one (a call cut off by MAX_TOKENS) cannot
    /// be repaired: they become an empty object, and the finish reason tells the client the answer was cut.
    /// </summary>
    public static JsonObject Arguments(string json)
    {
        try
        {
            return JsonNode.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public static JsonObject WithSignature(JsonObject part, string? signature)
    {
        if (signature is not null)
            part["thoughtSignature"] = signature;
        return part;
    }
}

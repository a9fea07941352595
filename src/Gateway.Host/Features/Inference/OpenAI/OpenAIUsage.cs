using System.Text.Json;
using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>Reads the token counts OpenAI-compatible APIs report in <c>usage</c>.</summary>
internal static class OpenAIUsage
{
    /// <summary>Reads <c>usage</c> from a response or chunk object; null when it has none.</summary>
    public static ChatUsage? From(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
            return null;
        var cached = usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object
            && details.TryGetProperty("cached_tokens", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
        return new ChatUsage(Int(usage, "prompt_tokens"), Int(usage, "completion_tokens"), cached);
    }

    private static int Int(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;
}

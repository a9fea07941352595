using System.Text.Json;
using Gateway.Domain.Chat.Gemini;

namespace Gateway.Domain.Upstreams;

/// <summary>
/// Reads an upstream's model list: OpenAI-compatible and Anthropic answer <c>{"data":[{"id"}]}</c>;
/// Gemini answers <c>{"models":[{"name":"models/..."}]}</c> and lists only models that generate content
/// or embed, which is all the gateway can use.
/// </summary>
public static class ModelLists
{
    public static IReadOnlySet<string> Read(JsonElement root)
    {
        var models = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("models", out var gemini) && gemini.ValueKind == JsonValueKind.Array)
        {
            foreach (var model in gemini.EnumerateArray())
            {
                var name = model.TryGetProperty("name", out var n) ? n.GetString() : null;
                if (name is null)
                    continue;
                var methods = model.TryGetProperty("supportedGenerationMethods", out var m) && m.ValueKind == JsonValueKind.Array
                    ? m.EnumerateArray().Select(x => x.GetString()).ToHashSet()
                    : null;
                if (methods is null || methods.Contains(GeminiApi.GenerateContent) || methods.Contains(GeminiApi.EmbedContent))
                    models.Add(name.StartsWith("models/", StringComparison.Ordinal) ? name["models/".Length..] : name);
            }
        }
        else if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var model in data.EnumerateArray())
            {
                if (model.TryGetProperty("id", out var id) && id.GetString() is { } value)
                    models.Add(value);
            }
        }

        return models;
    }
}

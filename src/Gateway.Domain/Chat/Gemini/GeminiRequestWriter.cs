using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// The canonical request as a generateContent request, for a Gemini upstream reached from another dialect (the upstream
/// side). Mapped to the nearest behaviour:
/// <list type="bullet">
/// <item>Tool results answer a function by name (Gemini has no call ids): the name is taken from the call they answer.</item>
/// <item>Gateway tool calls of earlier turns go out as the functionCall and functionResponse they were (<see cref="ServerToolHistory"/>),
/// not as executableCode parts, which Gemini would take for its own code execution.</item>
/// <item>JSON mode sets responseMimeType application/json, with the schema as responseSchema.</item>
/// <item>An exact thinking budget is kept; an effort becomes thinkingConfig.thinkingBudget. With thinking on, includeThoughts asks for
/// thought summaries, which come back as thinking (<see cref="GeminiResponseReader"/>).</item>
/// <item>A function call's thoughtSignature is written back on its functionCall part, as Gemini 3 requires (clients of other
/// dialects carry it in the call's id).</item>
/// </list>
/// </summary>
public static class GeminiRequestWriter
{
    public static JsonObject Write(ChatRequest request)
    {
        var history = ServerToolHistory.ForUpstream(request);
        var names = history.SelectMany(m => m.Parts).OfType<ToolCallPart>().GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.First().Name);
        var contents = new JsonArray();
        JsonObject? previous = null;
        foreach (var message in history)
        {
            var role = message.Role == ChatRole.Assistant ? "model" : "user";
            var parts = message.Parts.Select(p => Part(p, names)).OfType<JsonObject>().ToList();
            if (previous is not null && (string?)previous["role"] == role)
            {
                foreach (var part in parts)
                    ((JsonArray)previous["parts"]!).Add(part);
                continue;
            }

            previous = new JsonObject { ["role"] = role, ["parts"] = new JsonArray([.. parts.Cast<JsonNode>()]) };
            contents.Add(previous);
        }

        var body = new JsonObject { ["contents"] = contents };
        if (request.System is not null)
            body["systemInstruction"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = request.System }) };
        var generation = new JsonObject();
        if (request.MaxTokens is { } max)
            generation["maxOutputTokens"] = max;
        if (request.Temperature is { } temperature)
            generation["temperature"] = temperature;
        if (request.TopP is { } topP)
            generation["topP"] = topP;
        if (request.Stop.Count > 0)
            generation["stopSequences"] = new JsonArray([.. request.Stop.Select(s => (JsonNode)s)]);
        if (request.ResponseFormat is { Kind: not ResponseFormatKind.Text } format)
        {
            generation["responseMimeType"] = "application/json";
            if (format.SchemaJson is not null)
                generation["responseSchema"] = JsonNode.Parse(format.SchemaJson);
        }

        // Gemini returns thought summaries only when asked; with thinking on, they are asked for, so that
        // clients that want thinking back get it (the others' writers leave it out).
        if ((request.ThinkingBudget ?? Budget(request.Reasoning)) is { } budget)
        {
            generation["thinkingConfig"] = budget > 0
                ? new JsonObject { ["thinkingBudget"] = budget, ["includeThoughts"] = true }
                : new JsonObject { ["thinkingBudget"] = budget };
        }
        if (generation.Count > 0)
            body["generationConfig"] = generation;

        if (request.Tools.Count > 0)
        {
            body["tools"] = new JsonArray(new JsonObject
            {
                ["functionDeclarations"] = new JsonArray([.. request.Tools.Select(t => (JsonNode)new JsonObject
                {
                    ["name"] = t.Name, ["description"] = t.Description, ["parameters"] = JsonNode.Parse(t.ParametersJson),
                })]),
            });
            var config = request.ToolChoice?.Kind switch
            {
                ToolChoiceKind.None => new JsonObject { ["mode"] = "NONE" },
                ToolChoiceKind.Required => new JsonObject { ["mode"] = "ANY" },
                ToolChoiceKind.Named => new JsonObject { ["mode"] = "ANY", ["allowedFunctionNames"] = new JsonArray(request.ToolChoice.Name) },
                ToolChoiceKind.Auto => new JsonObject { ["mode"] = "AUTO" },
                _ => null,
            };
            if (config is not null)
                body["toolConfig"] = new JsonObject { ["functionCallingConfig"] = config };
        }

        return body;
    }

    /// <summary>countTokens over the whole generateContent request, so the system instruction and tools count too.</summary>
    public static JsonObject WriteCount(ChatRequest request, string model)
    {
        var inner = Write(request);
        inner["model"] = "models/" + model;
        return new JsonObject { ["generateContentRequest"] = inner };
    }

    private static int? Budget(ReasoningEffort? effort) => effort switch
    {
        ReasoningEffort.Low => 1024,
        ReasoningEffort.Medium => 8192,
        ReasoningEffort.High => 24576,
        _ => null,
    };

    private static JsonObject? Part(ChatPart part, Dictionary<string, string> names) => part switch
    {
        TextPart text when text.Text.Length > 0 => new JsonObject { ["text"] = text.Text },
        ImagePart { Base64Data: { } data } image => new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = image.MediaType, ["data"] = data } },
        ImagePart { Url: { } url } => new JsonObject { ["fileData"] = new JsonObject { ["mimeType"] = MimeOf(url), ["fileUri"] = url } },
        ToolCallPart call => GeminiParts.WithSignature(new JsonObject { ["functionCall"] = new JsonObject { ["name"] = call.Name, ["args"] = GeminiParts.Arguments(call.ArgumentsJson) } }, call.Signature),
        ToolResultPart result => new JsonObject
        {
            ["functionResponse"] = new JsonObject
            {
                ["name"] = names.GetValueOrDefault(result.ToolCallId, result.ToolCallId),
                ["response"] = AsObject(result.Content),
            },
        },
        _ => null,
    };

    /// <summary>Gemini wants the function's response as an object: a JSON object passes, anything else is wrapped.</summary>
    private static JsonObject AsObject(string content)
    {
        try
        {
            if (JsonNode.Parse(content) is JsonObject parsed)
                return parsed;
        }
        catch (JsonException)
        {
            // Plain text: wrapped below.
        }

        return new JsonObject { ["content"] = content };
    }

    private static string MimeOf(string url) => Path.GetExtension(new Uri(url, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(url).AbsolutePath : url).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        _ => "image/jpeg",
    };
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat;

/// <summary>
/// Google's Gemini generateContent API, to and from the canonical model. Mapped to the nearest behaviour:
/// <list type="bullet">
/// <item>Tool results answer a function by name (Gemini has no call ids): the name is taken from the call they answer.</item>
/// <item>Gemini gives function calls no ids: they get <c>call_{n}</c>, unique within the answer.</item>
/// <item>JSON mode sets responseMimeType application/json, with the schema as responseSchema.</item>
/// <item>An exact thinking budget is kept; an effort becomes thinkingConfig.thinkingBudget. With thinking on, includeThoughts asks for
/// thought summaries, which come back as thinking.</item>
/// <item>A function call's thoughtSignature is kept on the call and written back on its functionCall part, as Gemini 3 requires
/// (clients of other dialects carry it in the call's id). Signatures on text and thought parts are dropped: no canonical part
/// keeps them, and Gemini asks for them back only on function calls.</item>
/// </list>
/// </summary>
public static partial class GeminiContent
{
    public static JsonObject WriteRequest(ChatRequest request)
    {
        var names = request.Messages.SelectMany(m => m.Parts).OfType<ToolCallPart>().GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.First().Name);
        var contents = new JsonArray();
        JsonObject? previous = null;
        foreach (var message in request.Messages)
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
    public static JsonObject WriteCountRequest(ChatRequest request, string model)
    {
        var inner = WriteRequest(request);
        inner["model"] = "models/" + model;
        return new JsonObject { ["generateContentRequest"] = inner };
    }

    public static int ReadTokenCount(JsonElement root) => root.GetProperty("totalTokens").GetInt32();

    public static ChatResponse ReadResponse(JsonElement root)
    {
        var parts = new List<ChatPart>();
        string? finish = null;
        if (root.TryGetProperty("candidates", out var candidates) && candidates.GetArrayLength() > 0)
        {
            var candidate = candidates[0];
            finish = candidate.TryGetProperty("finishReason", out var f) ? f.GetString() : null;
            var calls = 0;
            foreach (var part in Parts(candidate))
            {
                if (part.TryGetProperty("text", out var text))
                    parts.Add(IsThought(part) ? new ThinkingPart(text.GetString() ?? "") : new TextPart(text.GetString() ?? ""));
                else if (part.TryGetProperty("functionCall", out var call))
                    parts.Add(new ToolCallPart(CallId(call, calls++), call.GetProperty("name").GetString()!, call.TryGetProperty("args", out var args) ? args.GetRawText() : "{}", Signature(part)));
            }
        }

        return new ChatResponse(
            root.TryGetProperty("responseId", out var id) ? id.GetString()! : "gemini-response",
            root.TryGetProperty("modelVersion", out var model) ? model.GetString()! : "gemini",
            parts,
            Finish(finish, parts.OfType<ToolCallPart>().Any()),
            Usage(root));
    }

    /// <summary>Reads the partial responses of a streamGenerateContent (alt=sse) stream.</summary>
    public sealed class StreamReader : IChatStreamReader
    {
        private bool _started;
        private int _calls;
        private ChatUsage? _usage;

        IEnumerable<ChatDelta> IChatStreamReader.Read(string eventType, JsonElement data) => Read(data);

        public IEnumerable<ChatDelta> Complete() => [];

        public IEnumerable<ChatDelta> Read(JsonElement chunk)
        {
            // Each chunk's usageMetadata holds the running totals: the latest stands.
            _usage = ReadUsage(chunk) ?? _usage;
            if (!_started)
            {
                _started = true;
                yield return new StreamStarted(
                    chunk.TryGetProperty("responseId", out var id) ? id.GetString()! : "gemini-response",
                    chunk.TryGetProperty("modelVersion", out var model) ? model.GetString()! : "gemini",
                    _usage);
            }

            if (!chunk.TryGetProperty("candidates", out var candidates) || candidates.GetArrayLength() == 0)
                yield break;
            var candidate = candidates[0];
            foreach (var part in Parts(candidate))
            {
                if (part.TryGetProperty("text", out var text))
                {
                    yield return IsThought(part) ? new ThinkingDelta(text.GetString() ?? "") : new TextDelta(text.GetString() ?? "");
                }
                else if (part.TryGetProperty("functionCall", out var call))
                {
                    var index = _calls++;
                    yield return new ToolCallStarted(index, CallId(call, index), call.GetProperty("name").GetString()!, Signature(part));
                    yield return new ToolCallArgumentsDelta(index, call.TryGetProperty("args", out var args) ? args.GetRawText() : "{}");
                }
            }

            if (candidate.TryGetProperty("finishReason", out var finish) && finish.GetString() is { } reason)
                yield return new StreamFinished(Finish(reason, _calls > 0), _usage);
        }
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
        ToolCallPart call => WithSignature(new JsonObject { ["functionCall"] = new JsonObject { ["name"] = call.Name, ["args"] = Arguments(call.ArgumentsJson) } }, call.Signature),
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

    private static JsonElement.ArrayEnumerator Parts(JsonElement candidate) =>
        candidate.TryGetProperty("content", out var content) && content.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array
            ? parts.EnumerateArray()
            : default;

    /// <summary>A thought summary part (<c>"thought": true</c>), which Gemini sends only when includeThoughts asks for it.</summary>
    private static bool IsThought(JsonElement part) =>
        part.TryGetProperty("thought", out var thought) && thought.ValueKind == JsonValueKind.True;

    /// <summary>A part's thoughtSignature, a sibling of its functionCall (Gemini streams a function call's part whole, signature included).</summary>
    private static string? Signature(JsonElement part) =>
        part.TryGetProperty("thoughtSignature", out var signature) && signature.ValueKind == JsonValueKind.String ? signature.GetString() : null;

    private static JsonObject WithSignature(JsonObject part, string? signature)
    {
        if (signature is not null)
            part["thoughtSignature"] = signature;
        return part;
    }

    private static string CallId(JsonElement call, int index) =>
        call.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } given ? given : $"call_{index}";

    private static FinishReason? Finish(string? reason, bool calledTools) => reason switch
    {
        null => null,
        "STOP" => calledTools ? FinishReason.ToolCalls : FinishReason.Stop,
        "MAX_TOKENS" => FinishReason.Length,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" => FinishReason.ContentFilter,
        _ => FinishReason.Stop,
    };

    /// <summary>A response's or stream chunk's usageMetadata, or null when it carries none.</summary>
    public static ChatUsage? ReadUsage(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("usageMetadata", out _) ? Usage(root) : null;

    /// <summary>
    /// Thinking tokens are billed as output, so they count as completion tokens. promptTokenCount already counts the
    /// cache reads of cachedContentTokenCount; Gemini reports no cache writes (it bills cache storage instead).
    /// </summary>
    private static ChatUsage Usage(JsonElement root)
    {
        if (!root.TryGetProperty("usageMetadata", out var usage))
            return new ChatUsage(0, 0, 0);
        int Read(string name) => usage.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
        return new ChatUsage(Read("promptTokenCount"), Read("candidatesTokenCount") + Read("thoughtsTokenCount"), Read("cachedContentTokenCount"));
    }
}

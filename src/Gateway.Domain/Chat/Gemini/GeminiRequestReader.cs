using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat;

/// <summary>
/// Reads a client's Gemini generateContent request into the canonical model. Only used when the upstream
/// is not Gemini: a Gemini upstream gets the client's body untouched. Collects every problem rather than
/// stopping at the first, so a client learns all of them at once.
/// </summary>
internal sealed class GeminiRequestReader
{
    private readonly List<string> _problems = [];

    /// <summary>Calls made so far and not yet answered, oldest first: a functionResponse answers the oldest of its name.</summary>
    private readonly List<ToolCallPart> _unanswered = [];

    private int _calls;

    public IReadOnlyList<string> Problems => _problems;

    public ChatRequest Read(string model, JsonObject body)
    {
        var messages = Messages(body["contents"]);
        var system = System(body["systemInstruction"]);
        var generation = body["generationConfig"] as JsonObject ?? [];
        var (tools, choice) = Tools(body["tools"], (body["toolConfig"] as JsonObject)?["functionCallingConfig"] as JsonObject);
        var (budget, effort) = Thinking(generation["thinkingConfig"] as JsonObject);
        var includeThoughts = (generation["thinkingConfig"] as JsonObject)?["includeThoughts"] is JsonValue include && include.GetValueKind() == JsonValueKind.True;
        if (body["cachedContent"] is { } cached)
            _problems.Add($"cachedContent '{Text(cached, "cachedContent")}' is a Gemini context cache, which only a Gemini upstream can read");

        return new ChatRequest(
            model,
            system,
            messages,
            Value<int>(generation["maxOutputTokens"], "generationConfig.maxOutputTokens", "an integer"),
            Value<double>(generation["temperature"], "generationConfig.temperature", "a number"),
            Value<double>(generation["topP"], "generationConfig.topP", "a number"),
            Strings(generation["stopSequences"], "generationConfig.stopSequences"),
            tools,
            choice,
            ParallelToolCalls: null,
            ResponseFormat(generation),
            effort,
            User: null,
            Stream: false,
            budget,
            includeThoughts);
    }

    private List<ChatMessage> Messages(JsonNode? contents)
    {
        var messages = new List<ChatMessage>();
        if (contents is not JsonArray { Count: > 0 } array)
        {
            _problems.Add("contents must be a non-empty array");
            return messages;
        }

        foreach (var (node, i) in array.Select((c, i) => (c, i)))
        {
            if (node is not JsonObject content)
            {
                _problems.Add($"contents[{i}] must be an object");
                continue;
            }

            // Gemini lets a single-turn request leave the role out; it is then the user's. Older clients put
            // functionResponse parts in a "function" turn, which is the user's side of the exchange.
            var role = Text(content["role"], $"contents[{i}].role") ?? "user";
            if (role is not ("user" or "model" or "function"))
            {
                _problems.Add($"contents[{i}].role '{role}' is not user, model or function");
                continue;
            }

            if (content["parts"] is not JsonArray { Count: > 0 } parts)
            {
                _problems.Add($"contents[{i}].parts must be a non-empty array");
                continue;
            }

            if (role == "model")
                ModelTurn(parts, $"contents[{i}]", messages);
            else
                UserTurn(parts, $"contents[{i}]", messages);
        }

        return messages;
    }

    /// <summary>
    /// Thought parts, and parts that hold only a thought signature, are dropped: they only mean something
    /// to Gemini, and a client replays them as Gemini gave them.
    /// </summary>
    private void ModelTurn(JsonArray parts, string at, List<ChatMessage> messages)
    {
        var said = new List<ChatPart>();
        foreach (var (part, where) in Parts(parts, at))
        {
            if (part["thought"]?.GetValueKind() == JsonValueKind.True || Kind(part) is null)
                continue;
            if (part.ContainsKey("text"))
            {
                said.Add(new TextPart(Text(part["text"], $"{where}.text") ?? ""));
            }
            else if (part["functionCall"] is JsonObject call)
            {
                if (Name(call, $"{where}.functionCall") is not { } name)
                    continue;
                var id = Text(call["id"], $"{where}.functionCall.id") is { Length: > 0 } given ? given : $"call_{_calls}";
                _calls++;
                var toolCall = new ToolCallPart(id, name, (call["args"] as JsonObject ?? []).ToJsonString());
                _unanswered.Add(toolCall);
                said.Add(toolCall);
            }
            else if (Kind(part) is "functionResponse" or "inlineData" or "fileData")
            {
                _problems.Add($"{where}: {Kind(part)} parts belong in user turns");
            }
            else
            {
                Unsupported(part, where);
            }
        }

        if (said.Count > 0)
            messages.Add(new ChatMessage(ChatRole.Assistant, said));
    }

    /// <summary>
    /// The canonical model gives each tool result a message of its own, so a user turn splits into tool
    /// messages and user messages in the order of its parts.
    /// </summary>
    private void UserTurn(JsonArray parts, string at, List<ChatMessage> messages)
    {
        var said = new List<ChatPart>();
        foreach (var (part, where) in Parts(parts, at))
        {
            if (part.ContainsKey("text"))
            {
                said.Add(new TextPart(Text(part["text"], $"{where}.text") ?? ""));
            }
            else if (part["inlineData"] is JsonObject inline)
            {
                if (Image(inline, $"{where}: inlineData") is { } mime)
                    said.Add(new ImagePart(mime, Text(inline["data"], $"{where}.inlineData.data") ?? "", null));
            }
            else if (part["fileData"] is JsonObject file)
            {
                // fileData may leave the type out; the URL is then taken to be an image, as Gemini would guess from the file.
                var mime = file["mimeType"] is null ? null : Image(file, $"{where}: fileData");
                if (Text(file["fileUri"], $"{where}.fileData.fileUri") is not { Length: > 0 } uri)
                    _problems.Add($"{where}.fileData needs a fileUri");
                else if (file["mimeType"] is null || mime is not null)
                    said.Add(new ImagePart(mime, null, uri));
            }
            else if (part["functionResponse"] is JsonObject response)
            {
                if (Answer(response, $"{where}.functionResponse") is not { } result)
                    continue;
                Flush(said, messages);
                messages.Add(new ChatMessage(ChatRole.Tool, [result]));
            }
            else if (part.ContainsKey("functionCall"))
            {
                _problems.Add($"{where}: functionCall parts belong in model turns");
            }
            else
            {
                Unsupported(part, where);
            }
        }

        Flush(said, messages);
    }

    private static void Flush(List<ChatPart> said, List<ChatMessage> messages)
    {
        if (said.Count == 0)
            return;
        messages.Add(new ChatMessage(ChatRole.User, [.. said]));
        said.Clear();
    }

    /// <summary>
    /// Matches by id when the client echoed one, otherwise the oldest unanswered call of that name: Gemini
    /// clients answer parallel calls to one function in the order they were made. The whole response
    /// object is the result: "output", "result", "error" and any other key all tell the model something.
    /// </summary>
    private ToolResultPart? Answer(JsonObject response, string at)
    {
        if (Name(response, at) is not { } name)
            return null;
        var id = Text(response["id"], $"{at}.id");
        var call = _unanswered.FirstOrDefault(c => id is { Length: > 0 } ? c.Id == id : c.Name == name);
        if (call is null)
        {
            _problems.Add($"{at} '{name}' answers no earlier functionCall");
            return null;
        }

        _unanswered.Remove(call);
        return new ToolResultPart(call.Id, (response["response"] as JsonObject ?? []).ToJsonString());
    }

    private IEnumerable<(JsonObject Part, string Where)> Parts(JsonArray parts, string at)
    {
        foreach (var (node, j) in parts.Select((p, j) => (p, j)))
        {
            if (node is JsonObject part)
                yield return (part, $"{at}.parts[{j}]");
            else
                _problems.Add($"{at}.parts[{j}] must be an object");
        }
    }

    /// <summary>The canonical model carries images only: audio, video and documents have nowhere to go.</summary>
    private string? Image(JsonObject data, string at)
    {
        var mime = Text(data["mimeType"], $"{at}.mimeType");
        if (mime?.StartsWith("image/", StringComparison.Ordinal) == true)
            return mime;
        _problems.Add($"{at} of type '{mime}' is not supported (images are)");
        return null;
    }

    /// <summary>Keys that qualify a part rather than being its content.</summary>
    private static readonly HashSet<string> Qualifiers = ["thought", "thoughtSignature", "partMetadata", "videoMetadata", "mediaResolution"];

    private static string? Kind(JsonObject part) => part.Select(p => p.Key).FirstOrDefault(k => !Qualifiers.Contains(k));

    private void Unsupported(JsonObject part, string at) => _problems.Add(Kind(part) is { } kind
        ? $"{at}: {kind} parts are not supported (text, inlineData, fileData, functionCall and functionResponse are)"
        : $"{at} has no content");

    private string? Name(JsonObject node, string at)
    {
        if (Text(node["name"], $"{at}.name") is { Length: > 0 } name)
            return name;
        _problems.Add($"{at} needs a name");
        return null;
    }

    /// <summary>Parts of a system instruction are lines of one text: joined so they do not run together.</summary>
    private string? System(JsonNode? instruction)
    {
        if (instruction is null)
            return null;
        if (instruction is JsonObject { } content && content["parts"] is JsonArray parts && parts.All(p => p?["text"]?.GetValueKind() == JsonValueKind.String))
            return string.Join("\n", parts.Select(p => (string)p!["text"]!));
        _problems.Add("systemInstruction must be a content of text parts");
        return null;
    }

    private ChatResponseFormat? ResponseFormat(JsonObject generation)
    {
        if (Value<int>(generation["candidateCount"], "generationConfig.candidateCount", "an integer") is > 1 and var count)
            _problems.Add($"generationConfig.candidateCount {count} is not supported (only 1 candidate is)");
        if (generation["responseModalities"] is JsonArray modalities && modalities.Any(m => m?.ToJsonString() != "\"TEXT\""))
            _problems.Add("generationConfig.responseModalities may only hold TEXT");

        var mime = Text(generation["responseMimeType"], "generationConfig.responseMimeType") ?? "text/plain";
        var (field, schema) = generation["responseJsonSchema"] is { } jsonSchema
            ? ("responseJsonSchema", jsonSchema.DeepClone())
            : generation["responseSchema"] is { } openApiSchema ? ("responseSchema", GeminiSchema.ToJsonSchema(openApiSchema)) : (null, null);
        switch (mime)
        {
            case "application/json":
                return schema is null ? new ChatResponseFormat(ResponseFormatKind.JsonObject) : new ChatResponseFormat(ResponseFormatKind.JsonSchema, schema.ToJsonString());
            case "text/plain" when field is not null:
                _problems.Add($"generationConfig.{field} needs responseMimeType application/json");
                return null;
            case "text/plain":
                return null;
            default:
                _problems.Add($"generationConfig.responseMimeType '{mime}' is not supported (text/plain and application/json are)");
                return null;
        }
    }

    /// <summary>
    /// thinkingBudget is kept exactly (0 is off) and also as the nearest effort, at the same thresholds the
    /// Gemini writer turns efforts into budgets. -1 (dynamic) is the upstream's own default, so it sets
    /// neither. includeThoughts is read apart, as whether the client wants thought parts back.
    /// </summary>
    private (int? Budget, ReasoningEffort? Effort) Thinking(JsonObject? config)
    {
        if (config is null)
            return (null, null);
        var budget = Value<int>(config["thinkingBudget"], "generationConfig.thinkingConfig.thinkingBudget", "an integer");
        var level = Text(config["thinkingLevel"], "generationConfig.thinkingConfig.thinkingLevel");
        if (budget is not null && level is not null)
        {
            _problems.Add("generationConfig.thinkingConfig takes thinkingBudget or thinkingLevel, not both");
            return (null, null);
        }

        if (level is not null)
        {
            ReasoningEffort? effort = level.ToLowerInvariant() switch
            {
                "minimal" or "low" => ReasoningEffort.Low,
                "medium" => ReasoningEffort.Medium,
                "high" => ReasoningEffort.High,
                _ => null,
            };
            if (effort is null)
                _problems.Add($"generationConfig.thinkingConfig.thinkingLevel '{level}' is not minimal, low, medium or high");
            return (null, effort);
        }

        return budget switch
        {
            null or < 0 => (null, null),
            0 => (0, null),
            <= 1024 => (budget, ReasoningEffort.Low),
            <= 8192 => (budget, ReasoningEffort.Medium),
            _ => (budget, ReasoningEffort.High),
        };
    }

    private (List<ChatTool> Tools, ChatToolChoice? Choice) Tools(JsonNode? toolsNode, JsonObject? config)
    {
        var tools = new List<ChatTool>();
        foreach (var (tool, i) in (toolsNode as JsonArray ?? []).Select((t, i) => (t as JsonObject ?? [], i)))
        {
            foreach (var (key, value) in tool)
            {
                if (key != "functionDeclarations")
                {
                    _problems.Add($"tools[{i}].{key} is not supported (only functionDeclarations are)");
                    continue;
                }

                foreach (var (declaration, j) in (value as JsonArray ?? []).Select((d, j) => (d as JsonObject ?? [], j)))
                {
                    if (Name(declaration, $"tools[{i}].functionDeclarations[{j}]") is not { } name)
                        continue;
                    var parameters = declaration["parametersJsonSchema"]?.DeepClone()
                        ?? (declaration["parameters"] is { } schema ? GeminiSchema.ToJsonSchema(schema) : new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() });
                    tools.Add(new ChatTool(name, Text(declaration["description"], $"tools[{i}].functionDeclarations[{j}].description"), parameters.ToJsonString()));
                }
            }
        }

        return config is null ? (tools, null) : Choice(tools, config);
    }

    /// <summary>
    /// ANY with one allowed name is a named choice; with several, the declarations are narrowed to them,
    /// which leaves the model the same choice Gemini would. VALIDATED is AUTO with calls checked against
    /// their schema, which the canonical model cannot ask for: it is AUTO.
    /// </summary>
    private (List<ChatTool> Tools, ChatToolChoice? Choice) Choice(List<ChatTool> tools, JsonObject config)
    {
        const string At = "toolConfig.functionCallingConfig";
        var mode = Text(config["mode"], $"{At}.mode") ?? "MODE_UNSPECIFIED";
        var allowed = Strings(config["allowedFunctionNames"], $"{At}.allowedFunctionNames");
        if (allowed.Count > 0 && mode is not ("ANY" or "VALIDATED"))
        {
            _problems.Add($"{At}.allowedFunctionNames is only allowed with mode ANY or VALIDATED");
            allowed = [];
        }

        foreach (var unknown in allowed.Where(a => tools.All(t => t.Name != a)))
            _problems.Add($"{At}.allowedFunctionNames names '{unknown}', which no functionDeclaration declares");
        if (allowed.Count > 0)
            tools = [.. tools.Where(t => allowed.Contains(t.Name))];

        ChatToolChoice? choice = mode switch
        {
            "ANY" when allowed.Count == 1 => new ChatToolChoice(ToolChoiceKind.Named, allowed[0]),
            "ANY" => new ChatToolChoice(ToolChoiceKind.Required),
            "AUTO" or "VALIDATED" => new ChatToolChoice(ToolChoiceKind.Auto),
            "NONE" => new ChatToolChoice(ToolChoiceKind.None),
            _ => null,
        };
        if (choice is null && mode != "MODE_UNSPECIFIED")
            _problems.Add($"{At}.mode '{mode}' is not AUTO, ANY, VALIDATED or NONE");
        return (tools, choice);
    }

    private List<string> Strings(JsonNode? node, string at)
    {
        if (node is null)
            return [];
        if (node is JsonArray array && array.All(s => s?.GetValueKind() == JsonValueKind.String))
            return [.. array.Select(s => (string)s!)];
        _problems.Add($"{at} must be an array of strings");
        return [];
    }

    private T? Value<T>(JsonNode? node, string at, string what)
        where T : struct
    {
        if (node is null)
            return null;
        if (node is JsonValue value && value.TryGetValue<T>(out var read))
            return read;
        _problems.Add($"{at} must be {what}");
        return null;
    }

    /// <summary>A string field, or null when it is absent; a field of another type is a problem.</summary>
    private string? Text(JsonNode? node, string at)
    {
        if (node is null)
            return null;
        if (node is JsonValue value && value.TryGetValue<string>(out var text))
            return text;
        _problems.Add($"{at} must be a string");
        return null;
    }
}

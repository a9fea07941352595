using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// The rest of a client's request beside its contents (systemInstruction, generationConfig, tools and toolConfig), and
/// the typed reads every field goes through, each naming a field of the wrong type.
/// </summary>
public sealed partial class GeminiRequestReader
{
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

    /// <summary>
    /// The request's gateway tools (<c>tools: [{"gatewayWebSearch": {"max_results": 3}}]</c>), the object under the key
    /// being the tool's options; read from a request the validator accepted, before (and without) the rest.
    /// </summary>
    public static IReadOnlyList<GatewayToolUse> GatewayTools(JsonObject request) =>
        [.. (request["tools"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(tool => tool)
            .Select(entry => GatewayToolNames.FromGeminiKey(entry.Key) is { } kind
                ? new GatewayToolUse(kind, null, entry.Value?.DeepClone() as JsonObject ?? [])
                : null)
            .OfType<GatewayToolUse>()];

    /// <summary>
    /// Whether an earlier turn echoes the gateway's executableCode or codeExecutionResult parts (ids of
    /// <see cref="GeminiServerToolIds"/>; Gemini's own code execution writes the same parts, which pass through): a Gemini
    /// upstream never ran that code, so such a conversation goes through the canonical form.
    /// </summary>
    public static bool EchoesGatewayTools(JsonObject request) =>
        (request["contents"] as JsonArray ?? []).Any(c => c?["parts"] is JsonArray parts && parts.Any(p =>
            (p?["executableCode"] ?? p?["codeExecutionResult"])?["id"] is JsonValue id && id.TryGetValue<string>(out var text) && GeminiServerToolIds.Gateway.IsGateways(text)));

    /// <summary>The client's function declarations, read from a request the validator accepted.</summary>
    public static IReadOnlyList<DeclaredFunction> DeclaredFunctions(JsonObject request) =>
        [.. (request["tools"] as JsonArray ?? []).SelectMany((tool, i) => (tool?["functionDeclarations"] as JsonArray ?? [])
            .Select((declaration, j) => (string?)declaration?["name"] is { } name ? new DeclaredFunction(name, $"tools[{i}].functionDeclarations[{j}].name") : null)
            .OfType<DeclaredFunction>())];

    private (List<ChatTool> Tools, ChatToolChoice? Choice) Tools(JsonNode? toolsNode, JsonObject? config)
    {
        var tools = new List<ChatTool>();
        foreach (var (tool, i) in (toolsNode as JsonArray ?? []).Select((t, i) => (t as JsonObject ?? [], i)))
        {
            foreach (var (key, value) in tool)
            {
                // The gateway's tools are the loop's; Gemini's own search and code execution are decided per upstream.
                if (GatewayToolNames.FromGeminiKey(key) is not null || GeminiNativeTools.KindOf(key) is not null)
                    continue;
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

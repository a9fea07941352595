using System.Text.Json.Nodes;
using static Gateway.Domain.Chat.JsonChecks;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// What a request of Google's Gemini API must be before it is admitted, whatever upstream it reaches:
/// the types of every field the gateway reads and the structure the API requires (contents, roles,
/// parts, systemInstruction, generationConfig, tools, toolConfig, safetySettings), every problem named
/// at once with the field's path as the client wrote it. Fields not named here reach Gemini upstreams as
/// sent. The model comes from the path and is checked by the run.
/// </summary>
public static class GeminiRequestValidator
{
    /// <summary>"function" is the role older Gemini clients give the turn holding functionResponse parts.</summary>
    private static readonly string[] Roles = ["user", "model", "function"];

    private static readonly string[] CallingModes = ["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"];

    /// <summary>The part fields that hold an object; text, thought and thoughtSignature are checked apart.</summary>
    private static readonly string[] ObjectParts = ["inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult", "videoMetadata"];

    public static IReadOnlyList<FieldProblem> GenerateContent(JsonObject body)
    {
        var check = new JsonChecks();
        Generate(check, body, "");
        return check.Problems;
    }

    /// <summary>countTokens takes contents, or a whole request as generateContentRequest.</summary>
    public static IReadOnlyList<FieldProblem> CountTokens(JsonObject body)
    {
        var check = new JsonChecks();
        if (body["generateContentRequest"] is null)
        {
            Contents(check, body["contents"], "contents");
        }
        else if (check.Object(body["generateContentRequest"], "generateContentRequest") is { } request)
        {
            check.String(request["model"], "generateContentRequest.model");
            Generate(check, request, "generateContentRequest");
        }

        return check.Problems;
    }

    public static IReadOnlyList<FieldProblem> EmbedContent(JsonObject body)
    {
        var check = new JsonChecks();
        Embed(check, body, "");
        return check.Problems;
    }

    public static IReadOnlyList<FieldProblem> BatchEmbedContents(JsonObject body)
    {
        var check = new JsonChecks();
        if (check.Array(body["requests"], "requests", required: true, nonEmpty: true) is not { } requests)
            return check.Problems;
        foreach (var (request, at) in check.Objects(requests, "requests"))
        {
            check.String(request["model"], Field(at, "model"));
            Embed(check, request, at);
        }

        return check.Problems;
    }

    private static void Generate(JsonChecks check, JsonObject request, string at)
    {
        Contents(check, request["contents"], Field(at, "contents"));
        if (check.Object(request["systemInstruction"], Field(at, "systemInstruction")) is { } system)
            Content(check, system, Field(at, "systemInstruction"));
        if (check.Object(request["generationConfig"], Field(at, "generationConfig")) is { } config)
            GenerationConfig(check, config, Field(at, "generationConfig"));
        Tools(check, request["tools"], Field(at, "tools"));
        if (check.Object(request["toolConfig"], Field(at, "toolConfig")) is { } toolConfig
            && check.Object(toolConfig["functionCallingConfig"], Field(at, "toolConfig.functionCallingConfig")) is { } calling)
        {
            check.OneOf(calling["mode"], Field(at, "toolConfig.functionCallingConfig.mode"), CallingModes);
            check.Strings(calling["allowedFunctionNames"], Field(at, "toolConfig.functionCallingConfig.allowedFunctionNames"));
        }

        if (check.Array(request["safetySettings"], Field(at, "safetySettings")) is { } safety)
        {
            foreach (var (setting, where) in check.Objects(safety, Field(at, "safetySettings")))
            {
                check.String(setting["category"], Field(where, "category"), required: true);
                check.String(setting["threshold"], Field(where, "threshold"), required: true);
            }
        }

        check.String(request["cachedContent"], Field(at, "cachedContent"));
    }

    private static void Contents(JsonChecks check, JsonNode? node, string path)
    {
        if (check.Array(node, path, required: true, nonEmpty: true) is not { } contents)
            return;
        foreach (var (content, at) in check.Objects(contents, path))
            Content(check, content, at);
    }

    /// <summary>A turn: an optional role (a single-turn request may leave it out) and its parts.</summary>
    private static void Content(JsonChecks check, JsonObject content, string at)
    {
        check.OneOf(content["role"], Field(at, "role"), Roles);
        if (check.Array(content["parts"], Field(at, "parts"), required: true) is not { } parts)
            return;
        foreach (var (part, where) in check.Objects(parts, Field(at, "parts")))
        {
            check.String(part["text"], Field(where, "text"));
            check.Bool(part["thought"], Field(where, "thought"));
            check.String(part["thoughtSignature"], Field(where, "thoughtSignature"));
            foreach (var field in ObjectParts)
                check.Object(part[field], Field(where, field));
            if (part["inlineData"] is JsonObject inline)
            {
                check.String(inline["mimeType"], Field(where, "inlineData.mimeType"), required: true);
                check.String(inline["data"], Field(where, "inlineData.data"), required: true);
            }

            if (part["fileData"] is JsonObject file)
            {
                check.String(file["fileUri"], Field(where, "fileData.fileUri"), required: true);
                check.String(file["mimeType"], Field(where, "fileData.mimeType"));
            }

            if (part["executableCode"] is JsonObject code)
            {
                check.String(code["code"], Field(where, "executableCode.code"), required: true);
                check.String(code["language"], Field(where, "executableCode.language"));
                check.String(code["id"], Field(where, "executableCode.id"));
            }

            if (part["codeExecutionResult"] is JsonObject result)
            {
                check.String(result["outcome"], Field(where, "codeExecutionResult.outcome"), required: true);
                check.String(result["output"], Field(where, "codeExecutionResult.output"));
                check.String(result["id"], Field(where, "codeExecutionResult.id"));
            }

            foreach (var (kind, payload) in new[] { ("functionCall", "args"), ("functionResponse", "response") })
            {
                if (part[kind] is not JsonObject function)
                    continue;
                check.String(function["name"], Field(where, $"{kind}.name"), required: true);
                check.String(function["id"], Field(where, $"{kind}.id"));
                check.Object(function[payload], Field(where, $"{kind}.{payload}"));
            }
        }
    }

    private static void GenerationConfig(JsonChecks check, JsonObject config, string at)
    {
        check.Integer(config["maxOutputTokens"], Field(at, "maxOutputTokens"), min: 1);
        check.Number(config["temperature"], Field(at, "temperature"), 0, 2);
        check.Number(config["topP"], Field(at, "topP"), 0, 1);
        // Integral in the API, but Google's Python SDK types it as a float and sends 40.0.
        check.Number(config["topK"], Field(at, "topK"), 0);
        check.Integer(config["candidateCount"], Field(at, "candidateCount"), min: 1);
        check.Strings(config["stopSequences"], Field(at, "stopSequences"));
        check.String(config["responseMimeType"], Field(at, "responseMimeType"));
        check.Object(config["responseSchema"], Field(at, "responseSchema"));
        check.Strings(config["responseModalities"], Field(at, "responseModalities"));
        check.Integer(config["seed"], Field(at, "seed"), min: int.MinValue);
        if (check.Object(config["thinkingConfig"], Field(at, "thinkingConfig")) is { } thinking)
        {
            // -1 asks for a dynamic budget, 0 turns thinking off.
            check.Integer(thinking["thinkingBudget"], Field(at, "thinkingConfig.thinkingBudget"), min: -1);
            check.Bool(thinking["includeThoughts"], Field(at, "thinkingConfig.includeThoughts"));
            check.String(thinking["thinkingLevel"], Field(at, "thinkingConfig.thinkingLevel"));
        }
    }

    /// <summary>
    /// Function declarations need a name, and the gateway's tools (gatewayWebSearch, ...) an object of options (the
    /// tool's to judge); the other tools (googleSearch, codeExecution, ...) are the upstream's to judge.
    /// </summary>
    private static void Tools(JsonChecks check, JsonNode? node, string path)
    {
        if (check.Array(node, path) is not { } tools)
            return;
        var gatewayTools = new HashSet<GatewayToolKind>();
        foreach (var (tool, at) in check.Objects(tools, path))
        {
            foreach (var (key, options) in tool)
            {
                if (GatewayToolNames.FromGeminiKey(key) is not { } kind)
                    continue;
                GatewayToolEntries.Once(check, gatewayTools, kind, Field(at, key));
                check.Object(options, Field(at, key), required: true);
            }

            if (check.Array(tool["functionDeclarations"], Field(at, "functionDeclarations")) is not { } declarations)
                continue;
            foreach (var (declaration, where) in check.Objects(declarations, Field(at, "functionDeclarations")))
            {
                check.String(declaration["name"], Field(where, "name"), required: true);
                check.String(declaration["description"], Field(where, "description"));
                check.Object(declaration["parameters"], Field(where, "parameters"));
            }
        }
    }

    private static void Embed(JsonChecks check, JsonObject request, string at)
    {
        if (check.Object(request["content"], Field(at, "content"), required: true) is { } content)
            Content(check, content, Field(at, "content"));
        check.String(request["taskType"], Field(at, "taskType"));
        check.String(request["title"], Field(at, "title"));
        check.Integer(request["outputDimensionality"], Field(at, "outputDimensionality"), min: 1);
    }
}

using System.Text.Json.Nodes;

namespace Gateway.Host.Features.Inference.Gemini;

/// <summary>
/// Google's GenerateContentRequest, as documented here (countTokens takes the same, or it wrapped in
/// <c>generateContentRequest</c>). To a Gemini upstream the body passes unchanged; to other upstreams the
/// README's feature table says what is mapped, dropped or refused. The model is in the path, not the body.
/// </summary>
/// <param name="Contents">User and model turns of parts: text, inlineData, fileData, functionCall, functionResponse.</param>
/// <param name="SystemInstruction"><c>{"parts":[{"text":...}]}</c>.</param>
/// <param name="GenerationConfig">temperature, topP, maxOutputTokens, stopSequences, responseMimeType, responseSchema, thinkingConfig, ...</param>
/// <param name="Tools"><c>[{"functionDeclarations":[...]}]</c>.</param>
/// <param name="ToolConfig"><c>{"functionCallingConfig":{"mode":"AUTO|ANY|NONE","allowedFunctionNames":[...]}}</c>.</param>
/// <param name="SafetySettings">Passed to Gemini upstreams; other providers apply their own policies.</param>
internal sealed record GenerateContentRequest(
    IReadOnlyList<JsonObject> Contents, JsonObject? SystemInstruction, JsonObject? GenerationConfig, IReadOnlyList<JsonObject>? Tools,
    JsonObject? ToolConfig, IReadOnlyList<JsonObject>? SafetySettings)
{
    public static GenerateContentRequest Example { get; } = new(
        [new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = "Write a haiku about key rotation." }) }],
        new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = "Be brief." }) },
        new JsonObject { ["maxOutputTokens"] = 256, ["temperature"] = 0.7 },
        null, null, null);
}

using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Gateway.Host.Features.Inference.Gemini;

/// <summary>
/// Google's GenerateContentRequest, as documented here. To a Gemini upstream the body passes unchanged; to
/// other upstreams the README's feature table says what is mapped, dropped or refused. The model is in the
/// path, not the body. Field names are Google's (camelCase), as the gateway reads them.
/// </summary>
/// <param name="Contents">User and model turns of parts: text, inlineData, fileData, functionCall, functionResponse.</param>
/// <param name="SystemInstruction"><c>{"parts":[{"text":...}]}</c>.</param>
/// <param name="GenerationConfig">temperature, topP, maxOutputTokens, stopSequences, responseMimeType, responseSchema, thinkingConfig, ...</param>
/// <param name="Tools"><c>[{"functionDeclarations":[...]}]</c>.</param>
/// <param name="ToolConfig"><c>{"functionCallingConfig":{"mode":"AUTO|ANY|NONE","allowedFunctionNames":[...]}}</c>.</param>
/// <param name="SafetySettings">Passed to Gemini upstreams; other providers apply their own policies.</param>
internal sealed record GenerateContentRequest(
    IReadOnlyList<JsonObject> Contents,
    [property: JsonPropertyName("systemInstruction")] JsonObject? SystemInstruction = null,
    [property: JsonPropertyName("generationConfig")] JsonObject? GenerationConfig = null,
    IReadOnlyList<JsonObject>? Tools = null,
    [property: JsonPropertyName("toolConfig")] JsonObject? ToolConfig = null,
    [property: JsonPropertyName("safetySettings")] IReadOnlyList<JsonObject>? SafetySettings = null)
{
    public static GenerateContentRequest Example { get; } = new(
        [UserTurn("Write a haiku about key rotation.")],
        new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = "Be brief." }) },
        new JsonObject { ["maxOutputTokens"] = 256, ["temperature"] = 0.7 });

    internal static JsonObject UserTurn(string text) =>
        new() { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = text }) };
}

/// <summary>Google's countTokens request: the turns alone, or a whole <see cref="GenerateContentRequest"/> (system instruction and tools count too).</summary>
internal sealed record CountTokensRequest(
    IReadOnlyList<JsonObject>? Contents = null,
    [property: JsonPropertyName("generateContentRequest")] GenerateContentRequest? GenerateContentRequest = null)
{
    public static CountTokensRequest Example { get; } = new([GenerateContentRequest.UserTurn("How many tokens is this sentence here?")]);
}

/// <summary>Google's embedContent request.</summary>
/// <param name="Model">In a batch, <c>models/{model}</c> as in the path; the gateway sets it to the upstream's.</param>
/// <param name="Content"><c>{"parts":[{"text":...}]}</c>; only text parts reach a provider other than Gemini.</param>
/// <param name="TaskType">RETRIEVAL_QUERY, RETRIEVAL_DOCUMENT, SEMANTIC_SIMILARITY, ...; only Gemini's models use it.</param>
/// <param name="OutputDimensionality">The vector size; to an OpenAI-compatible upstream it becomes <c>dimensions</c>.</param>
internal sealed record EmbedContentRequest(
    JsonObject Content,
    string? Model = null,
    [property: JsonPropertyName("taskType")] string? TaskType = null,
    string? Title = null,
    [property: JsonPropertyName("outputDimensionality")] int? OutputDimensionality = null)
{
    public static EmbedContentRequest Example { get; } = new(
        new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = "key rotation" }) }, TaskType: "RETRIEVAL_QUERY", OutputDimensionality: 768);
}

/// <summary>Google's batchEmbedContents request: one embedContent request per text, all of one size.</summary>
internal sealed record BatchEmbedContentsRequest(IReadOnlyList<EmbedContentRequest> Requests)
{
    public static BatchEmbedContentsRequest Example { get; } = new(
    [
        EmbedContentRequest.Example with { Model = "models/gemini:gemini-embedding-001" },
        EmbedContentRequest.Example with { Model = "models/gemini:gemini-embedding-001", Content = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = "budgets" }) } },
    ]);
}

using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Gateway.Host.Features.Inference.Gemini;

/// <summary>
/// Google's GenerateContentResponse: a whole answer, or one chunk of a stream. From a Gemini upstream it
/// comes as Gemini wrote it; from other upstreams the gateway writes these fields.
/// </summary>
/// <param name="UsageMetadata">On the whole answer; in a stream, on the last chunk.</param>
/// <param name="ModelVersion">The model as the client asked for it (an alias stays an alias) when translated.</param>
internal sealed record GenerateContentResponse(
    IReadOnlyList<GeminiCandidate> Candidates,
    [property: JsonPropertyName("usageMetadata")] GeminiUsageMetadata? UsageMetadata = null,
    [property: JsonPropertyName("modelVersion")] string? ModelVersion = null,
    [property: JsonPropertyName("responseId")] string? ResponseId = null);

/// <param name="Content"><c>{"role":"model","parts":[...]}</c>: text, thought parts (<c>"thought": true</c>), functionCall.</param>
/// <param name="FinishReason">STOP, MAX_TOKENS or SAFETY; in a stream, on the last chunk.</param>
internal sealed record GeminiCandidate(
    JsonObject? Content = null,
    [property: JsonPropertyName("finishReason")] string? FinishReason = null,
    int? Index = null);

/// <param name="PromptTokenCount">Cached tokens included.</param>
/// <param name="CandidatesTokenCount">Thinking tokens included when translated (they cannot be told apart there).</param>
internal sealed record GeminiUsageMetadata(
    [property: JsonPropertyName("promptTokenCount")] int PromptTokenCount,
    [property: JsonPropertyName("candidatesTokenCount")] int CandidatesTokenCount,
    [property: JsonPropertyName("totalTokenCount")] int TotalTokenCount,
    [property: JsonPropertyName("cachedContentTokenCount")] int? CachedContentTokenCount = null,
    [property: JsonPropertyName("thoughtsTokenCount")] int? ThoughtsTokenCount = null);

/// <summary>Google's countTokens answer. The header <c>x-gateway-token-count</c> says <c>exact</c> or <c>estimated</c>.</summary>
internal sealed record CountTokensResponse([property: JsonPropertyName("totalTokens")] int TotalTokens);

/// <summary>One vector.</summary>
internal sealed record ContentEmbedding(IReadOnlyList<float> Values);

/// <summary>Google's embedContent answer.</summary>
internal sealed record EmbedContentResponse(ContentEmbedding Embedding);

/// <summary>Google's batchEmbedContents answer: the vectors in the order of the requests.</summary>
internal sealed record BatchEmbedContentsResponse(IReadOnlyList<ContentEmbedding> Embeddings);

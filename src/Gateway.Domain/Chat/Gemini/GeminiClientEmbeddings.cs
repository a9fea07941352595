using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Embeddings;

/// <summary>
/// The client side of Gemini's embedContent and batchEmbedContents, for upstreams that are not Gemini:
/// the texts a client asks to embed, and an OpenAI-compatible embeddings answer written back as Gemini's.
/// </summary>
public static class GeminiEmbeddingsClient
{
    /// <summary>What a Gemini embedding request asks for: one text per embedding, and a common output size.</summary>
    public sealed record Request(IReadOnlyList<string> Texts, int? Dimensions);

    /// <summary>
    /// Reads <c>{"content":{"parts":[...]}}</c> (embedContent) or <c>{"requests":[{"content":...}, ...]}</c>
    /// (batchEmbedContents). A content's text parts are one text, as Gemini embeds them together. Problems
    /// name what another upstream cannot embed: parts other than text, and output sizes that differ between
    /// requests of one batch (an OpenAI-compatible API takes one size per call). taskType and title are
    /// dropped: only Gemini's models are tuned by them.
    /// </summary>
    public static (Request? Request, IReadOnlyList<string> Problems) Read(JsonObject body, bool batch)
    {
        var problems = new List<string>();
        var items = batch
            ? body["requests"] as JsonArray is { Count: > 0 } requests ? [.. requests.Select(r => r as JsonObject)] : null
            : new List<JsonObject?> { body };
        if (items is null)
            return (null, ["requests: a non-empty array is required"]);

        var texts = new List<string>();
        var sizes = new HashSet<int?>();
        for (var i = 0; i < items.Count; i++)
        {
            var where = batch ? $"requests[{i}]." : "";
            if (items[i]?["content"]?["parts"] is not JsonArray { Count: > 0 } parts)
            {
                problems.Add($"{where}content.parts: a non-empty array is required");
                continue;
            }

            if (parts.Any(p => p?["text"]?.GetValueKind() != JsonValueKind.String))
                problems.Add($"{where}content.parts: only text parts can be embedded by this model's provider");
            texts.Add(string.Concat(parts.Select(p => p?["text"]?.GetValueKind() == JsonValueKind.String ? (string)p["text"]! : "")));
            sizes.Add((int?)items[i]!["outputDimensionality"]);
        }

        if (sizes.Count > 1)
            problems.Add("outputDimensionality: every request of a batch must ask for the same size");
        return problems.Count > 0 ? (null, problems) : (new Request(texts, sizes.Single()), problems);
    }

    /// <summary>The OpenAI-compatible embeddings request for the texts, asking for plain numbers (Gemini's answer carries them so).</summary>
    public static JsonObject WriteOpenAIRequest(string model, Request request)
    {
        var body = new JsonObject { ["model"] = model, ["input"] = new JsonArray([.. request.Texts.Select(t => (JsonNode)t)]), ["encoding_format"] = "float" };
        if (request.Dimensions is { } d)
            body["dimensions"] = d;
        return body;
    }

    /// <summary>
    /// An OpenAI embeddings list as Gemini's answer: one <c>embedding</c>, or <c>embeddings</c> in request order.
    /// Vectors are read as numbers or as base64, for an upstream that answers base64 whatever it was asked.
    /// </summary>
    public static JsonObject FromOpenAI(JsonElement response, bool batch)
    {
        var vectors = response.GetProperty("data").EnumerateArray()
            .OrderBy(d => d.TryGetProperty("index", out var index) ? index.GetInt32() : 0)
            .Select(d => new JsonObject { ["values"] = EmbeddingVectors.Write(EmbeddingVectors.Read(d.GetProperty("embedding")), EmbeddingEncoding.Numbers) })
            .ToList();
        return batch
            ? new JsonObject { ["embeddings"] = new JsonArray([.. vectors]) }
            : new JsonObject { ["embedding"] = vectors.Single() };
    }
}

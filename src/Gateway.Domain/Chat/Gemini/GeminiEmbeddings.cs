using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// Gemini's embedContent and batchEmbedContents to and from the canonical <see cref="TextsToEmbed"/>: a Gemini
/// client's request read and its answer written (the client side, when the model is an OpenAI-compatible upstream's),
/// and a Gemini upstream's batchEmbedContents request written and its answer read (the upstream side, for an OpenAI
/// client). Gemini reports no token counts for embeddings: usage is estimated (<see cref="TextsToEmbed.EstimatedTokens"/>).
/// </summary>
public static class GeminiEmbeddings
{
    /// <summary>
    /// Reads <c>{"content":{"parts":[...]}}</c> (embedContent) or <c>{"requests":[{"content":...}, ...]}</c>
    /// (batchEmbedContents). A content's text parts are one text, as Gemini embeds them together. Problems
    /// name what another upstream cannot embed: parts other than text, and output sizes that differ between
    /// requests of one batch (an OpenAI-compatible API takes one size per call). taskType and title are
    /// dropped: only Gemini's models are tuned by them.
    /// </summary>
    public static (TextsToEmbed? Request, IReadOnlyList<string> Problems) ReadRequest(JsonObject body, bool batch)
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
        return problems.Count > 0 ? (null, problems) : (new TextsToEmbed(texts, sizes.Single()), problems);
    }

    /// <summary>The vectors as Gemini's answer: one <c>embedding</c>, or <c>embeddings</c> in request order.</summary>
    public static JsonObject WriteResponse(IReadOnlyList<float[]> vectors, bool batch)
    {
        var values = vectors.Select(v => new JsonObject { ["values"] = new JsonArray([.. v.Select(x => (JsonNode)x)]) }).ToList();
        return batch
            ? new JsonObject { ["embeddings"] = new JsonArray([.. values]) }
            : new JsonObject { ["embedding"] = values.Single() };
    }

    /// <summary>A batchEmbedContents request: one request per text, each asking for the common size.</summary>
    public static JsonObject WriteRequest(string model, TextsToEmbed request) => new()
    {
        ["requests"] = new JsonArray([.. request.Texts.Select(text =>
        {
            var one = new JsonObject
            {
                ["model"] = $"models/{model}",
                ["content"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = text }) },
            };
            if (request.Dimensions is { } d)
                one["outputDimensionality"] = d;
            return (JsonNode)one;
        })]),
    };

    /// <summary>A batchEmbedContents answer's vectors, in request order.</summary>
    public static IReadOnlyList<float[]> ReadResponse(JsonElement response) =>
        [.. response.GetProperty("embeddings").EnumerateArray().Select(e => e.GetProperty("values").EnumerateArray().Select(v => v.GetSingle()).ToArray())];
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Embeddings;

/// <summary>
/// OpenAI embedding requests to Gemini's batchEmbedContents and back. Gemini reports no token counts
/// for embeddings, so usage is estimated at four characters a token (and flagged by the caller).
/// </summary>
public static class GeminiEmbeddings
{
    /// <summary>The texts of an OpenAI <c>input</c>: a string or an array of strings (token arrays cannot be sent to Gemini).</summary>
    public static IReadOnlyList<string>? Inputs(JsonNode? input) => input switch
    {
        JsonValue one when one.GetValueKind() == JsonValueKind.String => [(string)one!],
        JsonArray many when many.All(i => i?.GetValueKind() == JsonValueKind.String) => [.. many.Select(i => (string)i!)],
        _ => null,
    };

    public static JsonObject WriteRequest(string model, IReadOnlyList<string> inputs, int? dimensions) => new()
    {
        ["requests"] = new JsonArray([.. inputs.Select(text =>
        {
            var request = new JsonObject
            {
                ["model"] = $"models/{model}",
                ["content"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = text }) },
            };
            if (dimensions is { } d)
                request["outputDimensionality"] = d;
            return (JsonNode)request;
        })]),
    };

    /// <summary>The OpenAI list of embeddings, in input order and in the encoding the client asked for, with estimated usage.</summary>
    public static JsonObject ToOpenAI(JsonElement response, string model, IReadOnlyList<string> inputs, EmbeddingEncoding encoding)
    {
        var data = new JsonArray();
        var index = 0;
        foreach (var embedding in response.GetProperty("embeddings").EnumerateArray())
        {
            data.Add(new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = index++,
                ["embedding"] = EmbeddingVectors.Write([.. embedding.GetProperty("values").EnumerateArray().Select(v => v.GetSingle())], encoding),
            });
        }

        var tokens = inputs.Sum(t => Math.Max(1, t.Length / 4));
        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = model,
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
    }
}

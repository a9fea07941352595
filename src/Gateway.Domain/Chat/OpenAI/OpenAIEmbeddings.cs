using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// How an OpenAI embeddings answer carries each vector (<c>encoding_format</c>): a JSON array of numbers,
/// or base64 of the vector's float32 values, little-endian, one after another. The official Node SDK asks
/// for base64 by default and decodes it itself, so an answer must be exactly what it asked for.
/// </summary>
public enum EmbeddingEncoding
{
    /// <summary><c>float</c>: a JSON array of numbers.</summary>
    Numbers,

    Base64,
}

/// <summary>
/// OpenAI's embeddings API to and from the canonical <see cref="TextsToEmbed"/>: an OpenAI client's request read and
/// its answer written (the client side, when the model is Gemini's), and an OpenAI-compatible upstream's request written
/// and its answer read (the upstream side, for a Gemini client).
/// </summary>
public static class OpenAIEmbeddings
{
    /// <summary>
    /// The texts and size a client's request asks for; null when <c>input</c> is not a string or an array of strings
    /// (token arrays, which only OpenAI-compatible upstreams take). The validator has checked <c>dimensions</c>.
    /// </summary>
    public static TextsToEmbed? ReadRequest(JsonObject body) => body["input"] switch
    {
        JsonValue one when one.GetValueKind() == JsonValueKind.String => new TextsToEmbed([(string)one!], (int?)body["dimensions"]),
        JsonArray many when many.All(i => i?.GetValueKind() == JsonValueKind.String) => new TextsToEmbed([.. many.Select(i => (string)i!)], (int?)body["dimensions"]),
        _ => null,
    };

    /// <summary>The encoding a request asks for: <c>float</c> when absent; null (with the problem) for any other value.</summary>
    public static (EmbeddingEncoding? Encoding, string? Problem) ReadEncoding(JsonNode? encodingFormat) => encodingFormat switch
    {
        null => (EmbeddingEncoding.Numbers, null),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && (string)v! == "float" => (EmbeddingEncoding.Numbers, null),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && (string)v! == "base64" => (EmbeddingEncoding.Base64, null),
        _ => (null, $"'encoding_format' must be \"float\" or \"base64\", not {encodingFormat.ToJsonString()}"),
    };

    /// <summary>The OpenAI list of embeddings, in input order and in the encoding the client asked for.</summary>
    /// <param name="promptTokens">The usage to report; the caller says whether it is an estimate.</param>
    public static JsonObject WriteResponse(IReadOnlyList<float[]> vectors, string model, EmbeddingEncoding encoding, int promptTokens) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray([.. vectors.Select((vector, index) => (JsonNode)new JsonObject
        {
            ["object"] = "embedding",
            ["index"] = index,
            ["embedding"] = WriteVector(vector, encoding),
        })]),
        ["model"] = model,
        ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["total_tokens"] = promptTokens },
    };

    /// <summary>One vector as the answer's <c>embedding</c> field.</summary>
    public static JsonNode WriteVector(IReadOnlyList<float> vector, EmbeddingEncoding encoding)
    {
        if (encoding == EmbeddingEncoding.Numbers)
            return new JsonArray([.. vector.Select(v => (JsonNode)v)]);
        var bytes = new byte[vector.Count * sizeof(float)];
        for (var i = 0; i < vector.Count; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return JsonValue.Create(Convert.ToBase64String(bytes));
    }

    /// <summary>The embeddings request for an OpenAI-compatible upstream, asking for plain numbers.</summary>
    public static JsonObject WriteRequest(string model, TextsToEmbed request)
    {
        var body = new JsonObject { ["model"] = model, ["input"] = new JsonArray([.. request.Texts.Select(t => (JsonNode)t)]), ["encoding_format"] = "float" };
        if (request.Dimensions is { } d)
            body["dimensions"] = d;
        return body;
    }

    /// <summary>
    /// An upstream's embeddings list as vectors in request order. Vectors are read as numbers or as base64, for an
    /// upstream that answers base64 whatever it was asked.
    /// </summary>
    public static IReadOnlyList<float[]> ReadResponse(JsonElement response) =>
    [
        .. response.GetProperty("data").EnumerateArray()
            .OrderBy(d => d.TryGetProperty("index", out var index) ? index.GetInt32() : 0)
            .Select(d => ReadVector(d.GetProperty("embedding"))),
    ];

    /// <summary>An answer's <c>embedding</c> field, whichever encoding it came in.</summary>
    public static float[] ReadVector(JsonElement embedding)
    {
        if (embedding.ValueKind == JsonValueKind.Array)
            return [.. embedding.EnumerateArray().Select(v => v.GetSingle())];
        var bytes = Convert.FromBase64String(embedding.GetString()!);
        var vector = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        return vector;
    }
}

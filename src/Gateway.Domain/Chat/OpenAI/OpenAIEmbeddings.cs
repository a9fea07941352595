using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Embeddings;

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

public static class EmbeddingVectors
{
    /// <summary>The encoding a request asks for: <c>float</c> when absent; null (with the problem) for any other value.</summary>
    public static (EmbeddingEncoding? Encoding, string? Problem) ReadEncoding(JsonNode? encodingFormat) => encodingFormat switch
    {
        null => (EmbeddingEncoding.Numbers, null),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && (string)v! == "float" => (EmbeddingEncoding.Numbers, null),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && (string)v! == "base64" => (EmbeddingEncoding.Base64, null),
        _ => (null, $"'encoding_format' must be \"float\" or \"base64\", not {encodingFormat.ToJsonString()}"),
    };

    /// <summary>One vector as the answer's <c>embedding</c> field.</summary>
    public static JsonNode Write(IReadOnlyList<float> vector, EmbeddingEncoding encoding)
    {
        if (encoding == EmbeddingEncoding.Numbers)
            return new JsonArray([.. vector.Select(v => (JsonNode)v)]);
        var bytes = new byte[vector.Count * sizeof(float)];
        for (var i = 0; i < vector.Count; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return JsonValue.Create(Convert.ToBase64String(bytes));
    }

    /// <summary>An answer's <c>embedding</c> field, whichever encoding it came in.</summary>
    public static float[] Read(JsonElement embedding)
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

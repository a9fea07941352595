using System.Text.Json.Nodes;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>The OpenAI embeddings request; fields not listed (encoding_format, user, ...) pass through unchanged.</summary>
/// <param name="Input">A string, an array of strings, or token arrays.</param>
internal sealed record EmbeddingRequest(string Model, JsonNode Input, int? Dimensions)
{
    public static EmbeddingRequest Example { get; } = new("openai:text-embedding-3-small", JsonValue.Create("The quick brown fox"), 512);
}

/// <summary>The OpenAI moderation request, passed through unchanged but for the model name.</summary>
internal sealed record ModerationRequest(string Model, JsonNode Input)
{
    public static ModerationRequest Example { get; } = new("openai:omni-moderation-latest", JsonValue.Create("I want to hurt someone."));
}

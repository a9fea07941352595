namespace Gateway.Domain.Chat;

/// <summary>
/// The answer to <see cref="TextsToEmbed"/> in canonical form: one vector per text, in the order of the texts, and the
/// usage the upstream reported (null when it reports none, as Gemini does for embeddings).
/// </summary>
public sealed record EmbeddedTexts(IReadOnlyList<float[]> Vectors, ChatUsage? Usage);

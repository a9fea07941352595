namespace Gateway.Domain.Chat;

/// <summary>
/// What an embeddings request asks for, in canonical form between a client's dialect and another dialect's upstream
/// (the embeddings' counterpart of <see cref="ChatRequest"/>): the texts, one embedding each, in order, and the size
/// every vector is asked for. The answer is the vectors in the same order.
/// </summary>
/// <param name="Dimensions">The size of every vector; null for the model's own.</param>
public sealed record TextsToEmbed(IReadOnlyList<string> Texts, int? Dimensions)
{
    /// <summary>
    /// The prompt's tokens where the upstream reports none (Gemini does not for embeddings): about four characters a
    /// token, at least one per text.
    /// </summary>
    public int EstimatedTokens => Texts.Sum(t => Math.Max(1, t.Length / 4));
}

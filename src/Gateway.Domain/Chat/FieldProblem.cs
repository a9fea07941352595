namespace Gateway.Domain.Chat;

/// <summary>
/// A field of a client's request that cannot be accepted, named by its JSON path as the client wrote it
/// (<c>messages[2].role</c>, <c>generationConfig.maxOutputTokens</c>); an empty path is the body itself.
/// </summary>
public sealed record FieldProblem(string Path, string Problem)
{
    public override string ToString() => Path.Length == 0 ? Problem : $"{Path} {Problem}";

    /// <summary>Every problem in one line, in the order found.</summary>
    public static string Describe(IEnumerable<FieldProblem> problems) => string.Join("; ", problems);
}

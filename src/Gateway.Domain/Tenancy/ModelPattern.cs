namespace Gateway.Domain.Tenancy;

/// <summary>
/// Allow-list entries for models: exact names (<c>openai:gpt-4o</c>) or a trailing or inner <c>*</c>
/// wildcard (<c>gemini:*</c>, <c>*:gpt-4o*</c>). Matching ignores case.
/// </summary>
public static class ModelPattern
{
    public const int MaxLength = 200;

    /// <summary>Null when the pattern is acceptable, otherwise why not.</summary>
    public static string? Validate(string pattern) =>
        pattern.Length switch
        {
            0 => "must not be empty",
            > MaxLength => $"must be at most {MaxLength} characters",
            _ when pattern.Any(char.IsWhiteSpace) => "must not contain spaces",
            _ when pattern.Contains("**", StringComparison.Ordinal) => "must not contain '**'",
            _ => null,
        };

    /// <summary>True when <paramref name="model"/> is allowed; an empty list allows every model.</summary>
    public static bool Allows(IReadOnlyCollection<string> patterns, string model) =>
        patterns.Count == 0 || patterns.Any(p => Matches(p, model));

    public static bool Matches(string pattern, string model)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1)
            return string.Equals(pattern, model, StringComparison.OrdinalIgnoreCase);
        if (!model.StartsWith(parts[0], StringComparison.OrdinalIgnoreCase) || !model.EndsWith(parts[^1], StringComparison.OrdinalIgnoreCase))
            return false;
        var position = parts[0].Length;
        var end = model.Length - parts[^1].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = model.IndexOf(parts[i], position, StringComparison.OrdinalIgnoreCase);
            if (found < 0 || found + parts[i].Length > end)
                return false;
            position = found + parts[i].Length;
        }

        return position <= end;
    }
}

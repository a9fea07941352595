using System.Globalization;

namespace Gateway.Tools.WebSearch.Extraction;

/// <summary>
/// Cuts extracted Markdown to the per-result budget, counted in characters (UTF-16 code units): the
/// tool does not know the model's tokenizer, and about four characters make a token in English. The
/// cut falls at the last paragraph break in the budget's second half, else the last line break or
/// space; a code fence left open is closed, and a last line says how much was cut.
/// </summary>
internal static class Excerpt
{
    public static string Cut(string markdown, int budget)
    {
        if (markdown.Length <= budget)
            return markdown;
        var at = CutPoint(markdown, budget);
        var kept = markdown[..at].TrimEnd();
        if (OpenFence(kept) is { } fence)
            kept += "\n" + fence;
        return $"{kept}\n\n[cut at {kept.Length.ToString("N0", CultureInfo.InvariantCulture)} of {markdown.Length.ToString("N0", CultureInfo.InvariantCulture)} characters]";
    }

    private static int CutPoint(string text, int budget)
    {
        var floor = budget / 2;
        foreach (var separator in (string[])["\n\n", "\n", " "])
        {
            var at = text.LastIndexOf(separator, budget, StringComparison.Ordinal);
            if (at >= floor)
                return at;
        }

        return char.IsHighSurrogate(text[budget - 1]) ? budget - 1 : budget;
    }

    /// <summary>The fence that opened a code block still open at the end of <paramref name="text"/>, if one is.</summary>
    private static string? OpenFence(string text)
    {
        string? open = null;
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimStart();
            if (!trimmed.StartsWith("```", StringComparison.Ordinal))
                continue;
            var fence = new string('`', trimmed.TakeWhile(c => c == '`').Count());
            if (open is null)
                open = fence;
            else if (trimmed.TrimEnd() == open)
                open = null;
        }

        return open;
    }
}

using System.Globalization;
using System.Text;

namespace Gateway.Domain.Chat;

/// <summary>
/// What the model reads of a gateway tool's result that a client echoed back on a later turn. The echoed block holds
/// only what the dialect shows (a search's titles, URLs and dates; a run's output), not the page contents the model read
/// when the tool ran, and the text says so rather than pretend to be the original.
/// </summary>
public static class ServerToolEchoText
{
    public static string For(WebSearchOutcome search)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Web search for \"{search.Query}\" (an earlier turn; the pages' contents are not repeated): ");
        text.Append(search.Hits.Count == 1 ? "1 result." : string.Create(CultureInfo.InvariantCulture, $"{search.Hits.Count} results."));
        foreach (var (hit, i) in search.Hits.Select((h, i) => (h, i)))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n\n[{i + 1}] {hit.Title}\nURL: {hit.Url}");
            if (hit.Date is { } date)
                text.Append(CultureInfo.InvariantCulture, $"\nPublished: {date}");
        }

        return text.ToString();
    }

    public static string For(CodeRunOutcome run)
    {
        var text = new StringBuilder(run.TimedOut
            ? "Timed out: every process was killed."
            : string.Create(CultureInfo.InvariantCulture, $"Exit code {run.ExitCode}."));
        foreach (var (name, output) in new[] { ("stdout", run.Stdout), ("stderr", run.Stderr) }.Where(o => o.Item2.Length > 0))
            text.Append(CultureInfo.InvariantCulture, $"\n--- {name} ---\n{output.TrimEnd('\n')}");
        return text.ToString();
    }

    /// <summary>A run as Gemini shows it: its outcome (<c>OUTCOME_OK</c>, <c>OUTCOME_FAILED</c>, <c>OUTCOME_DEADLINE_EXCEEDED</c>) and one output.</summary>
    public static string ForOutcome(string outcome, string output) =>
        output.Length == 0 ? $"Outcome {outcome}." : $"Outcome {outcome}.\n--- output ---\n{output.TrimEnd('\n')}";

    /// <summary>A run that did not succeed, as the dialect's error shape told it (Anthropic's <c>error_code</c>).</summary>
    public static string Failed(GatewayToolKind kind, string reason) =>
        $"The {GatewayToolNames.Type(kind)} call did not succeed ({reason}).";
}

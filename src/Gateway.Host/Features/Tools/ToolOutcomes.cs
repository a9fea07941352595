using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Tools;
using Gateway.Tools.CodeExecution;
using Gateway.Tools.WebSearch;
using WebSearchHit = Gateway.Domain.Chat.WebSearchHit;

namespace Gateway.Host.Features.Tools;

/// <summary>A tool's structured result as the canonical model carries it to the dialects' native shapes.</summary>
internal static class ToolOutcomes
{
    /// <returns>Null for a run that did not succeed: its text says why.</returns>
    public static ServerToolOutcome? Of(ToolResult? result, string argumentsJson) => result switch
    {
        WebSearchResult search => new WebSearchOutcome(search.Query, [.. search.Results.Select(Hit)]),
        CodeExecutionResult code => new CodeRunOutcome(
            Code(argumentsJson), code.Stdout.Text, code.Stderr.Text,
            // A run stopped at its wall clock has no status of its own: 124, as timeout(1) reports it.
            code.ExitCode ?? 124, code.Outcome == CodeExecutionOutcome.TimedOut, [.. code.Files.Select(File)]),
        _ => null,
    };

    private static WebSearchHit Hit(Gateway.Tools.WebSearch.WebSearchHit hit) =>
        new(hit.Title, hit.Url.ToString(), hit.Published?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), hit.Snippet, hit.Excerpt);

    private static CodeRunFile File(CodeFile file) => new(file.Path, file.Size, file.Encoding switch
    {
        "base64" => file.Content,
        "utf-8" when file.Content is { } text => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)),
        _ => null,
    });

    private static string Code(string argumentsJson) =>
        JsonNode.Parse(argumentsJson) is JsonObject arguments && arguments["code"] is JsonValue code && code.TryGetValue<string>(out var text) ? text : "";
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// The gateway's tool calls in Gemini's own shapes: code as the <c>executableCode</c> and <c>codeExecutionResult</c> parts
/// Gemini's code execution writes (both carrying the call's id behind the gateway's prefix, <see cref="GeminiServerToolIds"/>,
/// so that an echo is matched back and told from Gemini's own, the code part with the call's thought signature beside
/// it, as Gemini 3 wants it back), searches as the
/// candidate's <c>groundingMetadata</c> (the queries, and each result as a grounding chunk), as Google Search grounding
/// shows them. A search's call and result have no part of their own. No <c>searchEntryPoint</c>: that is Google's rendered
/// search widget, which only Google serves.
/// </summary>
internal static class GeminiServerToolParts
{
    public static JsonObject? Part(ServerToolCallPart call) => call.Kind switch
    {
        GatewayToolKind.CodeExecution => GeminiParts.WithSignature(
            new JsonObject { ["executableCode"] = new JsonObject { ["id"] = GeminiServerToolIds.Gateway.Write(call.Id), ["language"] = "PYTHON", ["code"] = Code(call.ArgumentsJson) } },
            call.Signature),
        GatewayToolKind.WebSearch => null,
    };

    public static JsonObject? Part(ServerToolResultPart result) => result.Kind switch
    {
        GatewayToolKind.CodeExecution => new JsonObject { ["codeExecutionResult"] = Result(result) },
        GatewayToolKind.WebSearch => null,
    };

    /// <summary>The grounding of an answer that searched; null when it did not.</summary>
    public static JsonObject? Grounding(IReadOnlyList<WebSearchOutcome> searches) => searches.Count == 0 ? null : new JsonObject
    {
        ["webSearchQueries"] = new JsonArray([.. searches.Select(s => (JsonNode)s.Query)]),
        ["groundingChunks"] = new JsonArray([.. searches.SelectMany(s => s.Hits).Select(h => (JsonNode)new JsonObject
        {
            ["web"] = new JsonObject { ["uri"] = h.Url, ["title"] = h.Title },
        })]),
    };

    /// <summary>
    /// Gemini's output is stdout when the code ran to a zero exit, stderr (or what went wrong) otherwise; a run that
    /// failed outright shows the reason the model read.
    /// </summary>
    private static JsonObject Result(ServerToolResultPart result)
    {
        var (outcome, output) = result.Outcome switch
        {
            CodeRunOutcome { TimedOut: true } run => ("OUTCOME_DEADLINE_EXCEEDED", run.Stdout + run.Stderr),
            CodeRunOutcome { ExitCode: 0 } run => ("OUTCOME_OK", run.Stdout),
            CodeRunOutcome run => ("OUTCOME_FAILED", run.Stderr.Length > 0 ? run.Stderr : run.Stdout),
            _ => ("OUTCOME_FAILED", result.Text),
        };
        return new JsonObject { ["id"] = GeminiServerToolIds.Gateway.Write(result.ToolCallId), ["outcome"] = outcome, ["output"] = output };
    }

    private static string Code(string argumentsJson)
    {
        try
        {
            return JsonNode.Parse(argumentsJson)?["code"] is JsonValue code && code.TryGetValue<string>(out var text) ? text : argumentsJson;
        }
        catch (JsonException)
        {
            return argumentsJson;
        }
    }
}

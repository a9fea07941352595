using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// The <c>executableCode</c> and <c>codeExecutionResult</c> parts of a Gemini client's model turns, read as the gateway's
/// code execution calls and their results, so that an upstream of another dialect is sent the function calls they were.
/// Gemini's own code execution writes the same parts, and only a Gemini upstream could take them as such; read from a
/// client of a translated request, they can only have come from the gateway's tool, or be shown to the model as if they
/// had. A result answers the call of its id, else the latest unanswered one, as Gemini puts each result right after its
/// code. One instance per request read.
/// </summary>
internal sealed class GeminiCodeEchoes
{
    private readonly List<ServerToolCallPart> _unanswered = [];

    /// <param name="signature">The part's thoughtSignature: Gemini 3 wants it back on the call.</param>
    public ServerToolCallPart Call(JsonObject code, string id, string? signature)
    {
        var arguments = new JsonObject { ["code"] = (string?)code["code"] ?? "" };
        var call = new ServerToolCallPart(GeminiServerToolIds.Gateway.Read(id), GatewayToolKind.CodeExecution, GatewayToolNames.Type(GatewayToolKind.CodeExecution), arguments.ToJsonString(), signature);
        _unanswered.Add(call);
        return call;
    }

    /// <summary>The result as its part; null, with the problem added, when it answers no code before it.</summary>
    public ServerToolResultPart? Result(JsonObject result, string at, List<string> problems)
    {
        var id = (string?)result["id"] is { } written ? GeminiServerToolIds.Gateway.Read(written) : null;
        var call = id is { Length: > 0 } ? _unanswered.FirstOrDefault(c => c.Id == id) : _unanswered.LastOrDefault();
        if (call is null)
        {
            problems.Add($"{at} answers no earlier executableCode part");
            return null;
        }

        _unanswered.Remove(call);
        var outcome = (string?)result["outcome"] ?? "OUTCOME_UNSPECIFIED";
        var output = (string?)result["output"] ?? "";
        var succeeded = outcome == "OUTCOME_OK";
        var code = (string?)JsonNode.Parse(call.ArgumentsJson)!["code"] ?? "";
        // Gemini's output is stdout when the code ran, stderr (or why it did not) otherwise; its exit status is not kept.
        var run = new CodeRunOutcome(code, succeeded ? output : "", succeeded ? "" : output, succeeded ? 0 : 1, outcome == "OUTCOME_DEADLINE_EXCEEDED", []);
        return new ServerToolResultPart(call.Id, GatewayToolKind.CodeExecution, ServerToolEchoText.ForOutcome(outcome, output), run);
    }
}

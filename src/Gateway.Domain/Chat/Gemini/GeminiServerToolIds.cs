namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// The ids of the gateway's <c>executableCode</c> and <c>codeExecutionResult</c> parts: the model's call id behind a
/// prefix of the gateway's, so that a client's echo of one is known for the gateway's and not Gemini's own code
/// execution (which writes the same parts, with ids of its own), and the upstream is sent the call under the id the
/// model gave it.
/// </summary>
public static class GeminiServerToolIds
{
    public const string Prefix = "gw_";

    public static string Write(string callId) => callId.StartsWith(Prefix, StringComparison.Ordinal) ? callId : Prefix + callId;

    public static string Read(string id) => IsGateways(id) ? id[Prefix.Length..] : id;

    public static bool IsGateways(string? id) => id?.StartsWith(Prefix, StringComparison.Ordinal) == true;
}

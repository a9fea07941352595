namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// The ids of the gateway's <c>executableCode</c> and <c>codeExecutionResult</c> parts, told apart from Gemini's own
/// code execution, which writes the same parts with ids of its own.
/// </summary>
public static class GeminiServerToolIds
{
    public static ServerToolIds Gateway { get; } = new("gw_");
}

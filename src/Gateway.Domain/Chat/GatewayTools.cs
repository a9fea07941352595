using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat;

/// <summary>
/// The tools the gateway runs itself, as every dialect names them: <c>gateway_web_search</c> and
/// <c>gateway_code_execution</c> in OpenAI's and Anthropic's <c>tools</c> entries (<c>type</c>), and
/// <c>gatewayWebSearch</c> / <c>gatewayCodeExecution</c> as Gemini's tool keys.
/// </summary>
public enum GatewayToolKind
{
    WebSearch,
    CodeExecution,
}

/// <summary>The names of each <see cref="GatewayToolKind"/> on the wire, exhaustively.</summary>
public static class GatewayToolNames
{
    /// <summary>The <c>type</c> of the tool entry in OpenAI's and Anthropic's requests, and the tool's name in config, prices and usage.</summary>
    public static string Type(GatewayToolKind kind) => kind switch
    {
        GatewayToolKind.WebSearch => "gateway_web_search",
        GatewayToolKind.CodeExecution => "gateway_code_execution",
    };

    /// <summary>The key of the tool entry in Gemini's requests.</summary>
    public static string GeminiKey(GatewayToolKind kind) => kind switch
    {
        GatewayToolKind.WebSearch => "gatewayWebSearch",
        GatewayToolKind.CodeExecution => "gatewayCodeExecution",
    };

    /// <summary>The name Anthropic's answers give the tool in <c>server_tool_use</c> blocks when the entry names none.</summary>
    public static string AnthropicDefaultName(GatewayToolKind kind) => kind switch
    {
        GatewayToolKind.WebSearch => "web_search",
        GatewayToolKind.CodeExecution => "code_execution",
    };

    public static GatewayToolKind? FromType(string type) =>
        Enum.GetValues<GatewayToolKind>().Cast<GatewayToolKind?>().FirstOrDefault(k => Type(k!.Value) == type);

    public static GatewayToolKind? FromGeminiKey(string key) =>
        Enum.GetValues<GatewayToolKind>().Cast<GatewayToolKind?>().FirstOrDefault(k => GeminiKey(k!.Value) == key);
}

/// <summary>
/// A gateway tool a request asks for, in whichever dialect: its kind, the name the client gave it (Anthropic's
/// <c>name</c>; null elsewhere) and its options as written on the entry (<c>max_results</c>, <c>allowed_domains</c>,
/// <c>timeout_seconds</c>, ...), checked by the tool itself.
/// </summary>
/// <param name="MaxUses">The most calls of it the request allows (Anthropic's <c>max_uses</c> on a native web search it stands in for); null for no limit but the loop's.</param>
public sealed record GatewayToolUse(GatewayToolKind Kind, string? Name, JsonObject Options, int? MaxUses = null);

/// <summary>
/// A function the client declares in its request, by name and by where it is declared (<c>tools[1].function.name</c>):
/// a request may not declare one under the name of the function the gateway offers the model for a tool it asks for,
/// as the model's calls of the two could not be told apart.
/// </summary>
public sealed record DeclaredFunction(string Name, string Path);

/// <summary>
/// A call of a gateway tool the gateway made on the model's behalf, shown to the client where its dialect has a
/// native shape (Anthropic's <c>server_tool_use</c>, Gemini's <c>executableCode</c>), and read back when the
/// client echoes it on its next turn, so it reaches the upstream as the function call it was.
/// </summary>
/// <param name="Name">The name the client sees (Anthropic's entry name, e.g. <c>web_search</c>).</param>
/// <param name="ArgumentsJson">The arguments as the model gave them, a JSON object text (<c>{"query":...}</c>, <c>{"code":...}</c>).</param>
/// <param name="Signature">The Gemini thought signature of the model's call, which Gemini 3 wants back with it; null for none.</param>
public sealed record ServerToolCallPart(string Id, GatewayToolKind Kind, string Name, string ArgumentsJson, string? Signature = null) : ChatPart;

/// <summary>What a gateway tool call returned, to the model (its <see cref="Text"/>) and to the client in its dialect's shape.</summary>
/// <param name="ToolCallId">The <see cref="ServerToolCallPart.Id"/> it answers.</param>
/// <param name="Text">What the model reads as the result.</param>
/// <param name="Outcome">The structured result for the dialects' native shapes; null when the run failed (the text says why).</param>
public sealed record ServerToolResultPart(string ToolCallId, GatewayToolKind Kind, string Text, ServerToolOutcome? Outcome) : ChatPart;

/// <summary>A gateway tool's structured result, one kind per tool.</summary>
public abstract record ServerToolOutcome;

/// <summary>A web search's results, for citations.</summary>
public sealed record WebSearchOutcome(string Query, IReadOnlyList<WebSearchHit> Hits) : ServerToolOutcome;

/// <param name="Date">The page's date when known, as the page gave it.</param>
/// <param name="Excerpt">The page's main content as Markdown, cut to the per-result budget; null when the page could not be read.</param>
public sealed record WebSearchHit(string Title, string Url, string? Date, string? Snippet, string? Excerpt);

/// <summary>A code run's end, for Anthropic's <c>code_execution_result</c> and Gemini's <c>codeExecutionResult</c>.</summary>
/// <param name="Code">The code that ran (Gemini's <c>executableCode</c> shows it).</param>
/// <param name="TimedOut">The run was stopped at its wall-clock limit (Gemini's <c>OUTCOME_DEADLINE_EXCEEDED</c>).</param>
public sealed record CodeRunOutcome(string Code, string Stdout, string Stderr, int ExitCode, bool TimedOut, IReadOnlyList<CodeRunFile> Files) : ServerToolOutcome;

/// <param name="Base64Content">The file's bytes, base64; null when it was not returned (a link, over the size limit).</param>
public sealed record CodeRunFile(string Path, long Size, string? Base64Content);

/// <summary>
/// A gateway tool call shown in a client's stream, whole: the loop runs the call before it shows it, so there are no
/// fragments to stream (Anthropic's writer still sends the input as one <c>input_json_delta</c>, as Anthropic does).
/// </summary>
/// <param name="Index">Position of the call among the tool calls shown in this answer, the client's and the gateway's.</param>
public sealed record ServerToolCallDelta(int Index, ServerToolCallPart Part) : ChatDelta;

/// <summary>A gateway tool call's result shown in a client's stream, right after its call.</summary>
public sealed record ServerToolResultDelta(ServerToolResultPart Part) : ChatDelta;

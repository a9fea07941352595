namespace Gateway.Domain.Chat;

/// <summary>
/// The one chat model every dialect translates to and from. A dialect never translates to another
/// directly: OpenAI to Anthropic is OpenAI to this, then this to Anthropic.
/// </summary>
/// <param name="ThinkingBudget">
/// An exact thinking budget in tokens, when the client gave one (0 turns thinking off); upstreams that
/// take a budget prefer it to <paramref name="Reasoning"/>, which then holds the nearest effort for
/// upstreams that take only an effort.
/// </param>
/// <param name="GatewayTools">The tools of the request that the gateway runs itself, read from each dialect's own place for them.</param>
/// <param name="IncludeThinking">
/// Whether the client asked to see the model's thinking (Anthropic's <c>thinking.type</c> enabled, Gemini's
/// <c>thinkingConfig.includeThoughts</c>): writers for those dialects return thinking only then, as the
/// providers themselves do.
/// </param>
public sealed record ChatRequest(
    string Model,
    string? System,
    IReadOnlyList<ChatMessage> Messages,
    int? MaxTokens,
    double? Temperature,
    double? TopP,
    IReadOnlyList<string> Stop,
    IReadOnlyList<ChatTool> Tools,
    ChatToolChoice? ToolChoice,
    bool? ParallelToolCalls,
    ChatResponseFormat? ResponseFormat,
    ReasoningEffort? Reasoning,
    string? User,
    bool Stream,
    int? ThinkingBudget = null,
    bool IncludeThinking = false,
    IReadOnlyList<GatewayToolUse>? GatewayTools = null)
{
    /// <summary>The gateway-run tools the request asks for (<see cref="GatewayToolUse"/>); empty for most requests.</summary>
    public IReadOnlyList<GatewayToolUse> GatewayTools { get; init; } = GatewayTools ?? [];
}

public enum ChatRole
{
    User,
    Assistant,

    /// <summary>The result of a tool call, sent back by the client.</summary>
    Tool,
}

public sealed record ChatMessage(ChatRole Role, IReadOnlyList<ChatPart> Parts);

public abstract record ChatPart;

public sealed record TextPart(string Text) : ChatPart;

/// <summary>
/// The model's thinking (reasoning) text, ahead of its answer. Only an answer carries it: thinking in a
/// client's earlier turns is dropped, as its signature means something only to the model that made it.
/// </summary>
/// <param name="Signature">Anthropic's signature of the block, when the upstream is Anthropic; null otherwise.</param>
public sealed record ThinkingPart(string Text, string? Signature = null) : ChatPart;

/// <summary>An image given inline (base64 with its media type) or by URL.</summary>
public sealed record ImagePart(string? MediaType, string? Base64Data, string? Url) : ChatPart;

/// <param name="ArgumentsJson">The arguments as a JSON object text, as the model produced them.</param>
/// <param name="Signature">
/// Gemini's <c>thoughtSignature</c> of the call, which Gemini 3 wants back with it in the next turn; null from
/// other upstreams, and on all but the first of parallel calls. Clients of other dialects carry it in the id
/// (<see cref="SignedToolCallId"/>).
/// </param>
public sealed record ToolCallPart(string Id, string Name, string ArgumentsJson, string? Signature = null) : ChatPart;

public sealed record ToolResultPart(string ToolCallId, string Content) : ChatPart;

/// <param name="ParametersJson">JSON Schema of the arguments, as text.</param>
public sealed record ChatTool(string Name, string? Description, string ParametersJson);

public enum ToolChoiceKind
{
    Auto,
    None,

    /// <summary>Some tool must be called.</summary>
    Required,

    /// <summary>This named tool must be called.</summary>
    Named,
}

public sealed record ChatToolChoice(ToolChoiceKind Kind, string? Name = null);

public enum ResponseFormatKind
{
    Text,
    JsonObject,
    JsonSchema,
}

public sealed record ChatResponseFormat(ResponseFormatKind Kind, string? SchemaJson = null, string? Name = null);

public enum ReasoningEffort
{
    Low,
    Medium,
    High,
}

public enum FinishReason
{
    Stop,
    Length,
    ToolCalls,
    ContentFilter,
}

/// <summary>
/// The tokens an answer used. <paramref name="PromptTokens"/> counts every prompt token, as OpenAI does: those
/// read from the upstream's prompt cache (<paramref name="CachedTokens"/>) and those written to it are parts of it,
/// never added on top.
/// </summary>
/// <remarks>
/// Cache writes are two counts, one per cache lifetime, rather than a total and its one-hour part: each is priced
/// at its own rate, and two counts side by side cannot contradict each other the way a part larger than its
/// total can. Only Anthropic reports writes; OpenAI and Gemini report reads only.
/// </remarks>
/// <param name="CachedTokens">Prompt tokens read from the cache.</param>
/// <param name="CacheWrite5mTokens">Prompt tokens written to the cache for 5 minutes (Anthropic's default lifetime).</param>
/// <param name="CacheWrite1hTokens">Prompt tokens written to the cache for 1 hour.</param>
/// <param name="ReasoningTokens">
/// Completion tokens the model spent thinking (already counted in <paramref name="CompletionTokens"/>): OpenAI's
/// <c>reasoning_tokens</c>, Gemini's <c>thoughtsTokenCount</c>; Anthropic reports none apart.
/// </param>
public sealed record ChatUsage(int PromptTokens, int CompletionTokens, int CachedTokens, int CacheWrite5mTokens = 0, int CacheWrite1hTokens = 0, int ReasoningTokens = 0)
{
    public static ChatUsage None { get; } = new(0, 0, 0);

    /// <summary>Prompt tokens written to the cache, for either lifetime.</summary>
    public int CacheWriteTokens => CacheWrite5mTokens + CacheWrite1hTokens;

    /// <summary>Prompt tokens neither read from nor written to the cache (Anthropic's input_tokens); never below zero.</summary>
    public int UncachedPromptTokens => Math.Max(0, PromptTokens - CachedTokens - CacheWriteTokens);
}

public sealed record ChatResponse(string Id, string Model, IReadOnlyList<ChatPart> Parts, FinishReason? FinishReason, ChatUsage Usage);

/// <summary>One step of a streamed answer, whatever dialect it arrived in.</summary>
public abstract record ChatDelta;

/// <param name="Usage">
/// The prompt's tokens when the upstream tells them up front (Anthropic's message_start, a Gemini chunk's
/// usageMetadata), cache reads and writes included; null when it tells them only at the end (OpenAI's usage chunk).
/// Its completion count is whatever was reported so far, not the answer's.
/// </param>
public sealed record StreamStarted(string Id, string Model, ChatUsage? Usage) : ChatDelta;

public sealed record TextDelta(string Text) : ChatDelta;

/// <summary>A piece of the model's thinking text; thinking comes before the answer's text and tool calls.</summary>
public sealed record ThinkingDelta(string Text) : ChatDelta;

/// <param name="Index">Position of the call in this answer; its argument deltas carry the same index.</param>
/// <param name="Signature">Gemini's thoughtSignature of the call, as on <see cref="ToolCallPart.Signature"/>.</param>
public sealed record ToolCallStarted(int Index, string Id, string Name, string? Signature = null) : ChatDelta;

public sealed record ToolCallArgumentsDelta(int Index, string JsonFragment) : ChatDelta;

/// <param name="Usage">
/// The whole answer's tokens as the upstream reported them by the end: every count its latest value (Anthropic's
/// message_delta over its message_start, Gemini's last usageMetadata, OpenAI's usage chunk). Null when the upstream
/// reported none, and the output has to be estimated.
/// </param>
public sealed record StreamFinished(FinishReason? Reason, ChatUsage? Usage) : ChatDelta;

/// <summary>The upstream reported an error after the stream began.</summary>
public sealed record StreamFailed(string Message) : ChatDelta;

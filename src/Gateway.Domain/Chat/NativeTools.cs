namespace Gateway.Domain.Chat;

/// <summary>
/// A tool that one provider runs itself and a request names in that provider's dialect (Anthropic's
/// <c>web_search_20250305</c> and <c>code_execution_*</c>, Gemini's <c>googleSearch</c> and <c>codeExecution</c>,
/// OpenAI chat's <c>web_search_options</c>). An upstream of that dialect gets it as it came; for one of another
/// dialect the gateway can run its own tool of the same kind in its place (<c>tools.intercept_native</c>), with the
/// native options that have an equivalent carried over. The canonical readers skip these entries, as they skip the
/// gateway's own: what becomes of them is decided per upstream, where the request is sent.
/// </summary>
/// <param name="Entry">Where the request names it and how, for messages: <c>tools[0] (web_search_20250305)</c>.</param>
/// <param name="StandIn">The gateway tool that runs in its place, its options those of the native entry that map.</param>
public sealed record NativeToolUse(string Entry, GatewayToolUse StandIn);

namespace Gateway.Host.Features.Providers;

/// <summary>
/// What a provider instance serves, whatever wire protocol it speaks: an OpenAI-compatible vLLM, Ollama or Groq may
/// serve chat and nothing else. Each protocol has its own set (the default of its providers); <c>capabilities:</c> in
/// the config file or on <c>PUT /v1/providers</c> narrows it, and requests go only to providers that serve what they
/// need. Written in snake case (<c>count_tokens</c>).
/// </summary>
[Flags]
internal enum Capability
{
    None = 0,

    /// <summary>Chat: OpenAI's chat completions, Anthropic's messages, Gemini's generateContent.</summary>
    Chat = 1,

    Embeddings = 2,

    Moderations = 4,

    /// <summary>Counting a prompt's tokens upstream, exactly; without it the gateway counts or estimates them itself.</summary>
    CountTokens = 8,

    /// <summary>
    /// OpenAI's Responses API (<c>/v1/responses</c>) served by the upstream itself: a Responses request passes through to
    /// it. A provider without it still answers Responses requests, translated to its chat API. OpenAI's own API serves
    /// it; most OpenAI-compatible servers do not, so elsewhere it is named in <c>capabilities:</c>.
    /// </summary>
    Responses = 16,
}

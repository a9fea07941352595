namespace Gateway.Domain.Upstreams;

/// <summary>The wire protocol an upstream provider instance speaks.</summary>
public enum ProviderKind
{
    /// <summary>OpenAI and everything compatible with it: OpenRouter, Groq, Together, vLLM, Ollama, any base URL.</summary>
    OpenAI,

    Anthropic,

    /// <summary>Google AI Studio's Gemini API (generativelanguage.googleapis.com).</summary>
    Gemini,
}

namespace Gateway.Host.Features.Dialects;

/// <summary>The wire dialect a client speaks; errors are written in it so its SDK can read them.</summary>
internal enum Dialect
{
    OpenAI,
    Anthropic,
    Gemini,

    /// <summary>OpenAI's Responses API: its errors are OpenAI's; usage records name it apart from chat completions.</summary>
    Responses,
}

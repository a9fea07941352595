namespace Gateway.Domain.Chat;

/// <summary>Server-sent event comments: lines that begin with a colon, which every SSE reader skips by the standard.</summary>
public static class SseComments
{
    /// <summary>Keeps an idle stream open through clients and proxies that close silent ones.</summary>
    public const string KeepAlive = ": keep-alive\n\n";
}

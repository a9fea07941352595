namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// OpenAI's API on the wire: its paths below an OpenAI-compatible base URL (which ends in <c>/v1/</c>), and the data of
/// the event that ends a stream. The key goes as <c>Authorization: Bearer</c>, HTTP's own.
/// </summary>
public static class OpenAIApi
{
    public const string ChatCompletionsPath = "chat/completions";

    public const string EmbeddingsPath = "embeddings";

    public const string ModerationsPath = "moderations";

    public const string ModelsPath = "models";

    /// <summary>The Responses API: <c>POST responses</c> creates one, <c>responses/{id}</c> reads or deletes it.</summary>
    public const string ResponsesPath = "responses";

    /// <summary>The data of a stream's last event, <c>data: [DONE]</c>.</summary>
    public const string StreamEnd = "[DONE]";
}

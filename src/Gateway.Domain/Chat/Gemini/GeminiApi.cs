namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// Google's Gemini API on the wire: where the key goes, the model methods, and their paths below the base URL
/// (<c>v1beta/models/{model}:{method}</c>).
/// </summary>
public static class GeminiApi
{
    /// <summary>Where Gemini's SDKs send the key.</summary>
    public const string KeyHeader = "x-goog-api-key";

    /// <summary>The query parameter Gemini's REST examples send the key in.</summary>
    public const string KeyQuery = "key";

    public const string GenerateContent = "generateContent";

    public const string StreamGenerateContent = "streamGenerateContent";

    /// <summary>streamGenerateContent as server-sent events; without <c>alt=sse</c> Gemini answers one JSON array.</summary>
    public const string StreamGenerateContentSse = StreamGenerateContent + "?alt=sse";

    public const string CountTokens = "countTokens";

    public const string EmbedContent = "embedContent";

    public const string BatchEmbedContents = "batchEmbedContents";

    public const string ModelsPath = "v1beta/models";

    /// <summary>Google resets Gemini's requests-per-day at midnight Pacific time, whatever the caller's zone.</summary>
    public static TimeZoneInfo QuotaZone { get; } = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    /// <summary>The path of a model's method, e.g. <c>v1beta/models/gemini-2.5-flash:generateContent</c>.</summary>
    public static string MethodPath(string model, string method) => $"{ModelsPath}/{Uri.EscapeDataString(model)}:{method}";
}

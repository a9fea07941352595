using System.Text.Json.Nodes;

namespace Gateway.Host.Features.Inference.Gemini;

/// <summary>What Gemini's methods share about the client's body.</summary>
internal static class GeminiBody
{
    /// <summary>
    /// The client's body as it came, for a Gemini upstream: "model" is the gateway's addition (from the path, for the
    /// run), and Gemini refuses fields it does not know.
    /// </summary>
    public static JsonObject AsClientSent(JsonObject body)
    {
        var sent = body.DeepClone().AsObject();
        sent.Remove("model");
        return sent;
    }

    /// <summary>countTokens may wrap a whole request in <c>generateContentRequest</c>; the other methods' bodies are the request.</summary>
    public static JsonObject Request(JsonObject body) => body["generateContentRequest"] as JsonObject ?? body;
}

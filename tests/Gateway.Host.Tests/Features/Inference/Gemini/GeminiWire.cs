using System.Text.Json.Nodes;

namespace Gateway.Host.Tests.Features.Inference.Gemini;

/// <summary>The native Gemini dialect as a client sees it: exact wire JSON, the key in x-goog-api-key.</summary>
internal static class GeminiWire
{
    public static HttpClient Client(Uri gateway, string secret)
    {
        var http = new HttpClient { BaseAddress = gateway };
        http.DefaultRequestHeaders.Add("x-goog-api-key", secret);
        return http;
    }

    /// <summary>The data of each event of an <c>alt=sse</c> body, in order.</summary>
    public static async Task<List<JsonObject>> ChunksAsync(HttpResponseMessage response) =>
        [.. (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split('\n')
            .Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!.AsObject())];

    /// <summary>The text of every part of every chunk, joined.</summary>
    public static string Text(IEnumerable<JsonObject> chunks) => string.Concat(chunks
        .SelectMany(c => c["candidates"]?[0]?["content"]?["parts"]?.AsArray() ?? [])
        .Select(p => (string?)p!["text"] ?? ""));
}

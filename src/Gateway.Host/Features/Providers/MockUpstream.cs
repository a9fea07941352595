using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Host.Features.Providers;

/// <summary>
/// The <c>mock</c> provider type: an OpenAI-compatible upstream inside the gateway that answers every
/// request deterministically, so the whole path (keys, pool, routing, usage) can be tried with no
/// provider account. Every answer says it comes from the mock.
/// </summary>
internal static class MockUpstream
{
    /// <summary>Reserved by RFC 2606: never a real host, so a mock request cannot leak onto the network.</summary>
    public const string Host = "mock.gateway.invalid";

    public static Uri BaseUrl { get; } = new($"http://{Host}/v1/");

    public static async Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = (JsonObject?)JsonNode.Parse(await request.Content!.ReadAsStringAsync(ct)) ?? [];
        var model = (string?)body["model"] ?? "mock";
        var path = request.RequestUri!.AbsolutePath;
        if (path.EndsWith("/embeddings", StringComparison.Ordinal))
            return Json(Embeddings(body, model));
        if (path.EndsWith("/moderations", StringComparison.Ordinal))
            return Json(new { id = "modr-mock", model, results = new[] { new { flagged = false, categories = new { }, category_scores = new { } } } });

        var prompt = LastUserText(body);
        var reply = $"[mock provider] You said: {prompt}";
        var usage = new { prompt_tokens = Math.Max(1, prompt.Length / 4), completion_tokens = Math.Max(1, reply.Length / 4), total_tokens = Math.Max(1, prompt.Length / 4) + Math.Max(1, reply.Length / 4) };
        if (body["stream"]?.GetValueKind() != JsonValueKind.True)
        {
            return Json(new
            {
                id = "chatcmpl-mock",
                @object = "chat.completion",
                created = 0,
                model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = reply }, finish_reason = "stop" } },
                usage,
            });
        }

        var events = new StringBuilder();
        foreach (var word in reply.Split(' ').Select((w, i) => i == 0 ? w : " " + w))
            events.Append("data: ").Append(JsonSerializer.Serialize(new { id = "chatcmpl-mock", @object = "chat.completion.chunk", created = 0, model, choices = new[] { new { index = 0, delta = new { content = word }, finish_reason = (string?)null } } })).Append("\n\n");
        events.Append("data: ").Append(JsonSerializer.Serialize(new { id = "chatcmpl-mock", @object = "chat.completion.chunk", created = 0, model, choices = new[] { new { index = 0, delta = new { }, finish_reason = "stop" } } })).Append("\n\n");
        if (body["stream_options"]?["include_usage"]?.GetValueKind() == JsonValueKind.True)
            events.Append("data: ").Append(JsonSerializer.Serialize(new { id = "chatcmpl-mock", @object = "chat.completion.chunk", created = 0, model, choices = Array.Empty<object>(), usage })).Append("\n\n");
        events.Append("data: [DONE]\n\n");
        var stream = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(events.ToString(), Encoding.UTF8) };
        stream.Content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return stream;
    }

    private static string LastUserText(JsonObject body) =>
        body["messages"] is JsonArray messages && messages.LastOrDefault(m => (string?)m?["role"] == "user")?["content"] is JsonNode content
            ? content.GetValueKind() == JsonValueKind.String ? (string)content! : content.ToJsonString()
            : "";

    /// <summary>Eight dimensions drawn from a hash of the text: the same text always gives the same vector.</summary>
    private static object Embeddings(JsonObject body, string model)
    {
        var inputs = body["input"] is JsonArray array ? array.Select(i => i?.ToJsonString() ?? "").ToList() : [body["input"]?.ToJsonString() ?? ""];
        return new
        {
            @object = "list",
            model,
            data = inputs.Select((text, i) => new { @object = "embedding", index = i, embedding = SHA256.HashData(Encoding.UTF8.GetBytes(text)).Take(8).Select(b => (b - 128) / 128f) }),
            usage = new { prompt_tokens = inputs.Sum(t => Math.Max(1, t.Length / 4)), total_tokens = inputs.Sum(t => Math.Max(1, t.Length / 4)) },
        };
    }

    private static HttpResponseMessage Json(object body)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return response;
    }
}

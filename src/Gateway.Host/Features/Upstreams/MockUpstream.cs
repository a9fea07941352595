using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Host.Features.Upstreams;

/// <summary>
/// The upstream of the <c>mock</c> provider type: an OpenAI-compatible API inside the gateway that answers
/// every request deterministically, so the whole path (keys, pool, routing, usage) can be tried with no
/// provider account. Every answer says it comes from the mock. It is the last handler of the mock's own
/// connection stack (<see cref="UpstreamHttp"/>): it answers whatever reaches it, by path alone.
/// </summary>
internal sealed class MockUpstream : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = (JsonObject?)JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)) ?? [];
        var model = (string?)body["model"] ?? "mock";
        var path = request.RequestUri!.AbsolutePath;
        if (path.EndsWith("/embeddings", StringComparison.Ordinal))
            return Embeddings(body, model);
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
            events.Append(OpenAIChunkWriter.Frame(JsonSerializer.Serialize(new { id = "chatcmpl-mock", @object = "chat.completion.chunk", created = 0, model, choices = new[] { new { index = 0, delta = new { content = word }, finish_reason = (string?)null } } })));
        events.Append(OpenAIChunkWriter.Frame(JsonSerializer.Serialize(new { id = "chatcmpl-mock", @object = "chat.completion.chunk", created = 0, model, choices = new[] { new { index = 0, delta = new { }, finish_reason = "stop" } } })));
        if (body["stream_options"]?["include_usage"]?.GetValueKind() == JsonValueKind.True)
            events.Append(OpenAIChunkWriter.Frame(JsonSerializer.Serialize(new { id = "chatcmpl-mock", @object = "chat.completion.chunk", created = 0, model, choices = Array.Empty<object>(), usage })));
        events.Append(OpenAIChunkWriter.Frame(OpenAIApi.StreamEnd));
        var stream = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(events.ToString(), Encoding.UTF8) };
        stream.Content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return stream;
    }

    private static string LastUserText(JsonObject body) =>
        body["messages"] is JsonArray messages && messages.LastOrDefault(m => (string?)m?["role"] == "user")?["content"] is JsonNode content
            ? content.GetValueKind() == JsonValueKind.String ? (string)content! : content.ToJsonString()
            : "";

    /// <summary>The most dimensions the mock makes, as many as OpenAI's largest embedding model.</summary>
    private const int MaxDimensions = 3072;

    /// <summary>
    /// Vectors drawn from hashes of the text: the same text always gives the same vector. Eight dimensions,
    /// or <c>dimensions</c>; numbers, or base64 when <c>encoding_format</c> asks for it, as OpenAI answers.
    /// </summary>
    private static HttpResponseMessage Embeddings(JsonObject body, string model)
    {
        var (encoding, problem) = OpenAIEmbeddings.ReadEncoding(body["encoding_format"]);
        if (encoding is null)
            return InvalidRequest(problem!, "encoding_format");
        var size = 8;
        if (body["dimensions"] is { } dimensions
            && (dimensions.GetValueKind() != JsonValueKind.Number || !dimensions.AsValue().TryGetValue(out size) || size is < 1 or > MaxDimensions))
            return InvalidRequest($"'dimensions' must be an integer from 1 to {MaxDimensions}", "dimensions");

        var inputs = body["input"] is JsonArray array ? array.Select(i => i?.ToJsonString() ?? "").ToList() : [body["input"]?.ToJsonString() ?? ""];
        return Json(new
        {
            @object = "list",
            model,
            data = inputs.Select((text, i) => new { @object = "embedding", index = i, embedding = OpenAIEmbeddings.WriteVector(Vector(text, size), encoding.Value) }),
            usage = new { prompt_tokens = inputs.Sum(t => Math.Max(1, t.Length / 4)), total_tokens = inputs.Sum(t => Math.Max(1, t.Length / 4)) },
        });
    }

    /// <summary>Bytes of SHA-256(text), then of SHA-256 of that, and so on, each byte a value in [-1, 1).</summary>
    private static float[] Vector(string text, int size)
    {
        var vector = new float[size];
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        for (var i = 0; i < size; i++)
        {
            if (i > 0 && i % hash.Length == 0)
                hash = SHA256.HashData(hash);
            vector[i] = (hash[i % hash.Length] - 128) / 128f;
        }

        return vector;
    }

    /// <summary>A 400 in OpenAI's shape; <c>invalid_value</c> is the code OpenAI gives a parameter it cannot take.</summary>
    private static HttpResponseMessage InvalidRequest(string message, string param) =>
        Json(OpenAIError.Of(400, "invalid_value", $"[mock provider] {message}", param).ToJsonString(), HttpStatusCode.BadRequest);

    private static HttpResponseMessage Json(object body) => Json(JsonSerializer.Serialize(body), HttpStatusCode.OK);

    private static HttpResponseMessage Json(string json, HttpStatusCode status)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return response;
    }
}

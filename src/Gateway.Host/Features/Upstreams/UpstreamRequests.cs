using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Providers;

namespace Gateway.Host.Features.Upstreams;

/// <summary>
/// Upstream requests in each provider's own dialect, with its way of sending the key, and the reading
/// of its stream events and errors.
/// </summary>
internal static class UpstreamRequests
{
    public static HttpRequestMessage OpenAI(Provider provider, RouteTarget target, UpstreamKey key, string path, JsonObject body)
    {
        body["model"] = target.Model;
        var request = new HttpRequestMessage(HttpMethod.Post, provider.Endpoint(path))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        foreach (var (name, value) in provider.Headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    /// <summary>
    /// Anthropic's Messages API: x-api-key and a pinned anthropic-version, the body from the canonical request. Structured
    /// outputs need no beta header at this version: <c>output_config</c> is generally available.
    /// </summary>
    public static HttpRequestMessage Anthropic(Provider provider, RouteTarget target, UpstreamKey key, ChatRequest request) =>
        Anthropic(provider, key, AnthropicApi.MessagesPath, AnthropicRequestWriter.Write(request, target.Model, provider.StructuredOutputs), AnthropicApi.Version, null);

    /// <summary>An Anthropic API path with the client's own anthropic-version and anthropic-beta (a passthrough keeps their meaning).</summary>
    public static HttpRequestMessage Anthropic(Provider provider, UpstreamKey key, string path, JsonObject body, string version, string? beta)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, provider.Endpoint(path))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.TryAddWithoutValidation(AnthropicApi.KeyHeader, key.Secret);
        message.Headers.TryAddWithoutValidation(AnthropicApi.VersionHeader, version);
        if (beta is not null)
            message.Headers.TryAddWithoutValidation(AnthropicApi.BetaHeader, beta);
        foreach (var (name, value) in provider.Headers)
            message.Headers.TryAddWithoutValidation(name, value);
        return message;
    }

    /// <summary>A Gemini model action (generateContent, batchEmbedContents, ...), the key in x-goog-api-key.</summary>
    public static HttpRequestMessage Gemini(Provider provider, RouteTarget target, UpstreamKey key, string action, JsonObject body)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, provider.Endpoint(GeminiApi.MethodPath(target.Model, action)))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.TryAddWithoutValidation(GeminiApi.KeyHeader, key.Secret);
        foreach (var (name, value) in provider.Headers)
            message.Headers.TryAddWithoutValidation(name, value);
        return message;
    }

    /// <summary>A fresh reader of the upstream dialect's stream.</summary>
    public static IChatEventReader EventReader(ProviderKind kind) => kind switch
    {
        ProviderKind.Anthropic => new AnthropicEventReader(),
        ProviderKind.Gemini => new GeminiEventReader(),
        _ => new OpenAIChunkReader(),
    };

    /// <summary>An upstream's whole (unstreamed) answer in the canonical form, read in its own dialect.</summary>
    public static ChatResponse ReadResponse(ProviderKind kind, JsonElement root) => kind switch
    {
        ProviderKind.Anthropic => AnthropicResponseReader.Read(root),
        ProviderKind.Gemini => GeminiResponseReader.Read(root),
        _ => OpenAIChatResponseReader.Read(root),
    };

    /// <summary>
    /// Anthropic's {"type":"error","error":{"type","message"}} or Google's {"error":{"code","message","status"}}
    /// as a code and message for the OpenAI shape.
    /// </summary>
    public static (string Code, string Message) Error(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var error = document.RootElement.GetProperty("error");
            var code = error.TryGetProperty("type", out var type) ? type.GetString() : error.TryGetProperty("status", out var status) ? status.GetString() : null;
            return (code ?? "upstream_error", error.GetProperty("message").GetString() ?? "upstream error");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return ("upstream_error", "the upstream answered with an error it did not describe");
        }
    }
}

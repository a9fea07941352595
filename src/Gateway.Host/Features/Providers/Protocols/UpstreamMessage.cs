using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Host.Features.Providers.Protocols;

/// <summary>What every protocol's requests share: a path below the provider's base URL, a JSON body, the provider's own headers after the key's.</summary>
internal static class UpstreamMessage
{
    public static HttpRequestMessage Create(Provider provider, HttpMethod method, string path, JsonObject? body = null)
    {
        var message = new HttpRequestMessage(method, provider.Endpoint(path));
        if (body is not null)
        {
            message.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return message;
    }

    /// <summary>Adds the provider's configured headers (OpenRouter's HTTP-Referer, ...), once the protocol has added its own.</summary>
    public static HttpRequestMessage WithHeadersOf(this HttpRequestMessage message, Provider provider)
    {
        foreach (var (name, value) in provider.Headers)
            message.Headers.TryAddWithoutValidation(name, value);
        return message;
    }
}

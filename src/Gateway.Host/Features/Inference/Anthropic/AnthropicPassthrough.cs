using System.Text.Json.Nodes;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Inference.Anthropic;

/// <summary>
/// An Anthropic client's request to an Anthropic upstream: the body as it came but for the model, with the client's
/// anthropic-version (the gateway's when it sent none) and anthropic-beta, which choose the wire format of the answer
/// that passes back untouched.
/// </summary>
internal static class AnthropicPassthrough
{
    public static HttpRequestMessage Request(HttpRequest client, JsonObject body, string path, Provider provider, RouteTarget target, UpstreamKey key)
    {
        body["model"] = target.Model;
        return AnthropicProtocol.Post(provider, key, path, body, Header(client, AnthropicApi.VersionHeader) ?? AnthropicApi.Version, Header(client, AnthropicApi.BetaHeader));
    }

    private static string? Header(HttpRequest client, string name) => client.Headers.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;
}

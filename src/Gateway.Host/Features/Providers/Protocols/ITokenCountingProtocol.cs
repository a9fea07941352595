using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Domain.Upstreams;

namespace Gateway.Host.Features.Providers.Protocols;

/// <summary>A protocol whose API counts a prompt's tokens exactly (Anthropic's count_tokens, Gemini's countTokens).</summary>
internal interface ITokenCountingProtocol : IUpstreamProtocol
{
    HttpRequestMessage CountTokens(Provider provider, RouteTarget target, UpstreamKey key, ChatRequest request);

    int ReadTokenCount(JsonElement root);
}

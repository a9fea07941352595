using System.Text.Json;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Inference;

/// <summary>A count asked of a provider of another wire format, its answer written in the client's.</summary>
internal sealed class CountTranslation(CountingDialect dialect, ITokenCountingProtocol protocol) : WholeAnswerTranslation(dialect)
{
    public override HttpRequestMessage Request(Provider provider, RouteTarget target, UpstreamKey key) => protocol.CountTokens(provider, target, key, dialect.Canonical!);

    protected override RelayedAnswer Translate(JsonElement upstream, RouteTarget target, int estimatedTokens) =>
        new(JsonSerializer.SerializeToUtf8Bytes(dialect.CountAnswer(protocol.ReadTokenCount(upstream))), null, false);
}

using System.Text.Json;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference;

/// <summary>A count asked of a provider of another wire format, its answer written in the client's.</summary>
internal sealed class CountTranslation(CountingDialect dialect, ITokenCountingProtocol protocol) : Way
{
    public override HttpRequestMessage Request(Provider provider, RouteTarget target, UpstreamKey key) => protocol.CountTokens(provider, target, key, dialect.Canonical!);

    protected override string ContentType(CallResult.Served served) => dialect.AnswerContentType(null);

    protected override IEventStrategy? Events() => null;

    protected override RelayedAnswer Answer(byte[] upstream, RouteTarget target, int estimatedTokens)
    {
        using var document = JsonDocument.Parse(upstream);
        return new RelayedAnswer(JsonSerializer.SerializeToUtf8Bytes(dialect.CountAnswer(protocol.ReadTokenCount(document.RootElement))), null, false);
    }
}

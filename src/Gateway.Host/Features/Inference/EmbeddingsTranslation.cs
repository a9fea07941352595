using System.Text.Json;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference;

/// <summary>An embeddings request carried to a provider of another wire format, the vectors written back in the client's.</summary>
internal sealed class EmbeddingsTranslation(EmbeddingsDialect dialect, IEmbeddingProtocol protocol) : Way
{
    public override HttpRequestMessage Request(Provider provider, RouteTarget target, UpstreamKey key) => protocol.Embed(provider, target, key, dialect.Canonical!);

    protected override string ContentType(CallResult.Served served) => dialect.AnswerContentType(null);

    protected override IEventStrategy? Events() => null;

    protected override RelayedAnswer Answer(byte[] upstream, RouteTarget target, int estimatedTokens)
    {
        using var document = JsonDocument.Parse(upstream);
        return dialect.WriteAnswer(protocol.ReadEmbeddings(document.RootElement), target, estimatedTokens);
    }
}

using System.Text.Json;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Inference;

/// <summary>An embeddings request carried to a provider of another wire format, the vectors written back in the client's.</summary>
internal sealed class EmbeddingsTranslation(EmbeddingsDialect dialect, IEmbeddingProtocol protocol) : WholeAnswerTranslation(dialect)
{
    public override HttpRequestMessage Request(Provider provider, RouteTarget target, UpstreamKey key) => protocol.Embed(provider, target, key, dialect.Canonical!);

    protected override RelayedAnswer Translate(JsonElement upstream, RouteTarget target, int estimatedTokens) =>
        dialect.WriteAnswer(protocol.ReadEmbeddings(upstream), target, estimatedTokens);
}

using Gateway.Domain.Chat;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Inference;

/// <summary>An embeddings API: translated through the canonical <see cref="TextsToEmbed"/> to a provider that embeds (<see cref="IEmbeddingProtocol"/>).</summary>
internal abstract class EmbeddingsDialect : CanonicalDialect<TextsToEmbed>
{
    public override Capability Needs => Capability.Embeddings;

    /// <summary>The client's answer for the vectors, and the usage it reports (estimated when the upstream reported none).</summary>
    public abstract RelayedAnswer WriteAnswer(EmbeddedTexts embedded, RouteTarget target, int estimatedTokens);

    protected override Way? Translation(IUpstreamProtocol protocol) => protocol is IEmbeddingProtocol embedding ? new EmbeddingsTranslation(this, embedding) : null;
}

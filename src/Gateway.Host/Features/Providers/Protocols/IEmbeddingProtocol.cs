using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Domain.Upstreams;

namespace Gateway.Host.Features.Providers.Protocols;

/// <summary>A protocol with an embeddings API, which a client of another wire format reaches through <see cref="TextsToEmbed"/>.</summary>
internal interface IEmbeddingProtocol : IUpstreamProtocol
{
    HttpRequestMessage Embed(Provider provider, RouteTarget target, UpstreamKey key, TextsToEmbed request);

    EmbeddedTexts ReadEmbeddings(JsonElement root);
}

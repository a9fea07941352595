using System.Text.Json;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// A chat request carried to a provider of another wire format: written from the canonical request by the protocol,
/// its answer read by the protocol into the canonical form and written by the client's dialect, whole or event by event.
/// </summary>
internal sealed class ChatTranslation(ChatDialect dialect, IUpstreamProtocol protocol) : Way
{
    public override HttpRequestMessage Request(Provider provider, RouteTarget target, UpstreamKey key) => protocol.Chat(provider, target, key, dialect.Canonical!);

    protected override string ContentType(CallResult.Served served) => dialect.AnswerContentType(null);

    protected override IEventStrategy? Events() => dialect.Stream ? new TranslatedEvents(protocol.NewEventReader(), dialect.NewEventWriter()) : null;

    /// <summary>The usage is the canonical one, not the one written for the client: OpenAI's shape has no field for cache writes.</summary>
    protected override RelayedAnswer Answer(byte[] upstream, RouteTarget target, int estimatedTokens)
    {
        using var document = JsonDocument.Parse(upstream);
        var answer = protocol.ReadAnswer(document.RootElement);
        return new RelayedAnswer(JsonSerializer.SerializeToUtf8Bytes(dialect.WriteAnswer(answer)), answer.Usage, false);
    }
}

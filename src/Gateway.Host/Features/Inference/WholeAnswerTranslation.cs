using System.Text.Json;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// A translation whose answer always comes whole (embeddings, token counts): the upstream's JSON read by its protocol,
/// the answer written in the client's wire format.
/// </summary>
internal abstract class WholeAnswerTranslation(ClientDialect dialect) : Way
{
    protected override string ContentType(CallResult.Served served) => dialect.AnswerContentType(null);

    protected override IEventStrategy? Events() => null;

    protected override RelayedAnswer Answer(byte[] upstream, RouteTarget target, int estimatedTokens)
    {
        using var document = JsonDocument.Parse(upstream);
        return Translate(document.RootElement, target, estimatedTokens);
    }

    /// <summary>What the client gets for the upstream's answer, and what it used.</summary>
    protected abstract RelayedAnswer Translate(JsonElement upstream, RouteTarget target, int estimatedTokens);
}

using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// The client's request to a provider of its own wire format, untouched but for the model (unknown fields kept), and
/// the answer as it came, its usage read on the way. The dialect says how for its API.
/// </summary>
internal sealed class Passthrough(ClientDialect dialect) : Way
{
    public override HttpRequestMessage Request(Provider provider, RouteTarget target, UpstreamKey key) => dialect.PassthroughRequest(provider, target, key);

    protected override string ContentType(CallResult.Served served) => dialect.AnswerContentType(served.ContentType);

    protected override IEventStrategy? Events() => dialect.Stream ? dialect.PassthroughEvents() : null;

    protected override RelayedAnswer Answer(byte[] upstream, RouteTarget target, int estimatedTokens) => dialect.PassthroughAnswer(upstream, estimatedTokens);
}

using System.Diagnostics;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// How one request reaches a provider and how its answer comes back: a <see cref="Passthrough"/> when the provider
/// speaks the client's wire format, a translation through the canonical form otherwise (<see cref="ChatTranslation"/>,
/// <see cref="EmbeddingsTranslation"/>, <see cref="CountTranslation"/>). Made by the client dialect for the protocol of
/// each target (<see cref="ClientDialect.WayTo"/>).
/// </summary>
internal abstract class Way
{
    /// <summary>The upstream request for one attempt (each attempt gets a fresh one).</summary>
    public abstract HttpRequestMessage Request(Provider provider, RouteTarget target, UpstreamKey key);

    /// <summary>Sends the served answer to the client: its status and type, then its bytes, event by event or whole.</summary>
    /// <param name="estimatedTokens">The gateway's estimate of the request, for answers that report no usage.</param>
    /// <param name="keeper">The dialect's keeper of answers (<see cref="ClientDialect.Keeper"/>); given only successful answers.</param>
    public Task<RelayResult> RelayAsync(
        HttpResponse client, CallResult.Served served, int estimatedTokens, Stopwatch clock, CancellationToken clientAborted, IAnswerKeeper? keeper = null)
    {
        client.StatusCode = served.Status;
        client.ContentType = ContentType(served);
        var kept = served.Status is >= 200 and < 300 ? keeper : null;
        if (Events() is not { } events)
            return Relay.AnswerAsync(served.Body, client, upstream => Answer(upstream, served.Target, estimatedTokens), clock, clientAborted, kept);
        client.Headers.CacheControl = "no-cache";
        return Relay.StreamAsync(served.Body, client, events, estimatedTokens, clock, clientAborted, kept);
    }

    protected abstract string ContentType(CallResult.Served served);

    /// <summary>What a stream's events go through, new for each stream; null when the answer comes whole.</summary>
    protected abstract IEventStrategy? Events();

    /// <summary>What the client gets for a whole answer, and what it used.</summary>
    protected abstract RelayedAnswer Answer(byte[] upstream, RouteTarget target, int estimatedTokens);
}

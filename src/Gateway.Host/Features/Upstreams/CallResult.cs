using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Usage;

namespace Gateway.Host.Features.Upstreams;

/// <summary>
/// How one call ended (<see cref="UpstreamCaller.CallAsync"/>), with every attempt it made: <see cref="Served"/>,
/// <see cref="Failed"/> with an error no other key could fix, or <see cref="Exhausted"/>. <see cref="Match"/> takes all
/// three, so a reader handles each.
/// </summary>
internal abstract record CallResult(IReadOnlyList<AttemptRecord> Attempts)
{
    public abstract T Match<T>(Func<Served, T> served, Func<Failed, T> failed, Func<Exhausted, T> exhausted);

    /// <summary>A live upstream answer: whoever takes it relays its body, settles the lease and disposes it.</summary>
    /// <param name="Body">The answer read whole, or the stream under its idle timeout.</param>
    internal sealed record Served(
        HttpResponseMessage Response, Stream Body, Provider Provider, RouteTarget Target, UpstreamKey Key, PoolLease Lease, IReadOnlyList<AttemptRecord> Attempts)
        : CallResult(Attempts), IAsyncDisposable
    {
        public int Status => (int)Response.StatusCode;

        /// <summary>The answer's Content-Type as the upstream sent it, or null.</summary>
        public string? ContentType => Response.Content.Headers.ContentType?.ToString();

        public override T Match<T>(Func<Served, T> served, Func<Failed, T> failed, Func<Exhausted, T> exhausted) => served(this);

        public async ValueTask DisposeAsync()
        {
            await Body.DisposeAsync();
            Response.Dispose();
        }
    }

    /// <summary>An upstream error no other key could fix, to be passed on to the client (its body bounded).</summary>
    internal sealed record Failed(int Status, byte[] Body, string? ContentType, Provider Provider, RouteTarget Target, IReadOnlyList<AttemptRecord> Attempts)
        : CallResult(Attempts)
    {
        public override T Match<T>(Func<Served, T> served, Func<Failed, T> failed, Func<Exhausted, T> exhausted) => failed(this);
    }

    /// <summary>Nothing could serve: every key of every target is limited, cooling down or disabled.</summary>
    /// <param name="RetryAt">When the first key (or project) frees up; null when none will by itself.</param>
    internal sealed record Exhausted(DateTimeOffset? RetryAt, string Reason, IReadOnlyList<AttemptRecord> Attempts) : CallResult(Attempts)
    {
        public override T Match<T>(Func<Served, T> served, Func<Failed, T> failed, Func<Exhausted, T> exhausted) => exhausted(this);
    }
}

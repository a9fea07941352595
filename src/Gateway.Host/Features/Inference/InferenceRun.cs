using System.Diagnostics;
using Gateway.Domain.Tenancy;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Budgets;
using Gateway.Host.Features.Inference.Looping;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Usage;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// What one client request has come to so far, as <see cref="InferenceRunner"/>'s steps fill it in: the targets it may
/// reach and the way to each protocol, its estimate, its budget hold.
/// </summary>
internal sealed class InferenceRun(HttpContext context, ClientDialect dialect, DateTimeOffset startedAt)
{
    public HttpContext Context => context;

    public ClientDialect Dialect => dialect;

    public Principal Principal { get; } = context.Principal();

    /// <summary>Time since the call began: the request's start, or for a loop's later call, that call's.</summary>
    public Stopwatch Clock { get; private set; } = Stopwatch.StartNew();

    public DateTimeOffset StartedAt { get; private set; } = startedAt;

    /// <summary>A loop's next call begins: its record has its own start, duration and time to first token.</summary>
    public void NextCall(DateTimeOffset now)
    {
        StartedAt = now;
        Clock = Stopwatch.StartNew();
    }

    /// <summary>The usage record of the call about to be made, with what is known of it now.</summary>
    public InferenceRecordBuilder Record() =>
        new(Principal, dialect.Wire.ToString().ToLowerInvariant(), dialect.Endpoint, dialect.Model, dialect.Stream, StartedAt, context.TraceIdentifier);

    /// <summary>Where the request may go, in fallback order; each step keeps fewer.</summary>
    public IReadOnlyList<RouteTarget> Targets { get; set; } = [];

    /// <summary>The way to each target's provider, by its name (two providers of one kind may differ: one serves the client's API, one does not).</summary>
    public Dictionary<string, Way> Ways { get; } = [];

    /// <summary>The gateway's estimate of the request's tokens (prompt bytes / 4 plus the output cap), for rate limits and streams that report no usage.</summary>
    public int Estimate { get; set; }

    /// <summary>The budget hold of the call about to be made (a loop admits each of its calls).</summary>
    public BudgetLedger.Admission Admission { get; set; } = BudgetLedger.Admission.None;

    /// <summary>The loop the request runs as, when it calls the model more than once; null for one call.</summary>
    public IChatLoop? Loop { get; set; }

    /// <summary>The request for one attempt, by the way to the provider's protocol.</summary>
    public HttpRequestMessage Request(Provider provider, RouteTarget target, UpstreamKey key) => Ways[provider.Name].Request(provider, target, key);
}

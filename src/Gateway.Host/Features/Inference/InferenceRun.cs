using System.Diagnostics;
using Gateway.Domain.Tenancy;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Budgets;
using Gateway.Host.Features.Providers;

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

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public DateTimeOffset StartedAt => startedAt;

    /// <summary>Where the request may go, in fallback order; each step keeps fewer.</summary>
    public IReadOnlyList<RouteTarget> Targets { get; set; } = [];

    /// <summary>The way to each protocol the targets speak.</summary>
    public Dictionary<ProviderKind, Way> Ways { get; } = [];

    /// <summary>The gateway's estimate of the request's tokens (prompt bytes / 4 plus the output cap), for rate limits and streams that report no usage.</summary>
    public int Estimate { get; set; }

    public BudgetLedger.Admission Admission { get; set; } = BudgetLedger.Admission.None;

    /// <summary>The request for one attempt, by the way to the provider's protocol.</summary>
    public HttpRequestMessage Request(Provider provider, RouteTarget target, UpstreamKey key) => Ways[provider.Kind].Request(provider, target, key);
}

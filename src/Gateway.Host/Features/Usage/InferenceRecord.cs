using Gateway.Domain.Chat;
using Gateway.Domain.Pricing;
using Gateway.Host.Features.Budgets;

namespace Gateway.Host.Features.Usage;

/// <summary>One upstream attempt of a request, with why it ended as it did.</summary>
/// <param name="Outcome">ok, rate_limited, daily_quota_exhausted, key_rejected, transient, context_length, bad_request, cancelled, or stream_idle_timeout (a stream that stalled after it began).</param>
internal sealed record AttemptRecord(string Provider, string KeyId, int? Status, string Outcome, string? Detail, double LatencyMs);

/// <summary>
/// The fact recorded for every inference request, streams included: who asked, what served it, what it
/// cost in tokens and time, and every attempt on the way. Budgets and usage reports build on it.
/// </summary>
/// <param name="Id">Drawn once when the request ends: a record replayed from the journal is recognised and not stored twice.</param>
/// <param name="Cost">USD at the price in force when the request started; null when the model has no price. The total of <paramref name="CostSplit"/>.</param>
/// <param name="CostSplit">
/// The same cost by kind of token; null when the model has no price, and in a record journaled before the split
/// existed (it is kept, so a journal written by an older version is stored whole).
/// </param>
/// <param name="CacheWrite5mTokens">Prompt tokens written to the upstream's cache for 5 minutes (part of the prompt tokens, as the cached ones are).</param>
/// <param name="CacheWrite1hTokens">Prompt tokens written to the upstream's cache for 1 hour.</param>
/// <param name="Charges">The budget periods this request's spend counts against.</param>
/// <param name="Instance">The gateway process that admitted it: the one whose budget leases the spend comes out of.</param>
/// <param name="UsageEstimated">True when the upstream never reported usage (a client left mid-stream) and tokens were estimated.</param>
internal sealed record InferenceRecord(
    Guid Id, string RequestId, string? OrgId, string? UserId, string? KeyId, string Dialect, string Endpoint, string RequestedModel,
    string? Provider, string? UpstreamModel, string? UpstreamKeyId, int Status, bool Stream,
    DateTimeOffset StartedAt, double LatencyMs, double? TimeToFirstTokenMs,
    int PromptTokens, int CompletionTokens, int CachedTokens, bool UsageEstimated, bool ClientCancelled,
    IReadOnlyList<AttemptRecord> Attempts, decimal? Cost = null,
    IReadOnlyList<BudgetLedger.Charge>? Charges = null, string? Instance = null,
    int CacheWrite5mTokens = 0, int CacheWrite1hTokens = 0, CostBreakdown? CostSplit = null)
{
    // Derived from the counts: not written to the journal.
    [System.Text.Json.Serialization.JsonIgnore]
    public ChatUsage Usage => new(PromptTokens, CompletionTokens, CachedTokens, CacheWrite5mTokens, CacheWrite1hTokens);

    /// <summary>The record priced: its cost and the cost's split, always set together.</summary>
    public InferenceRecord PricedAt(CostBreakdown? cost) => this with { Cost = cost?.Total, CostSplit = cost };

    /// <summary>What the request counts against a budget: settled with this, and written off the lease with the same once stored.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Gateway.Domain.Budgets.Spend Spend => new(Cost ?? 0, PromptTokens + CompletionTokens, 1);
}

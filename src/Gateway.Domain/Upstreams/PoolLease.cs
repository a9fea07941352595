using Gateway.Domain.Upstreams.Sharing;

namespace Gateway.Domain.Upstreams;

/// <summary>The right to send one request with one key; give it back with Succeed, Fail or Abandon.</summary>
/// <param name="ReservedTokens">Tokens taken from the key's shared tokens-per-minute share, settled against what the request spent.</param>
public sealed record PoolLease(string KeyId, string Scope, string Group, string Model, int ReservedTokens = 0);

/// <summary>
/// The pool's answer: a lease; or when the first key frees up (for Retry-After) and why none could serve; or the shares
/// of shared windows to lease before asking again (<see cref="Wants"/>).
/// </summary>
public sealed record PoolSelection(PoolLease? Lease, DateTimeOffset? RetryAt, string? Reason, IReadOnlyList<QuotaWant>? Wants = null)
{
    public static PoolSelection Exhausted(DateTimeOffset? retryAt, string reason) => new(null, retryAt, reason);

    public static PoolSelection Leasing(IReadOnlyList<QuotaWant> wants) => new(null, null, null, wants);
}

/// <summary>A pool's windows shared with other instances: whose they are in the shared store, and this instance's shares of them.</summary>
public sealed record SharedWindows(string Owner, QuotaShares Shares);

/// <summary>One key's state for status pages: counters, cooldown, why it is out.</summary>
public sealed record PoolKeyStatus(
    string KeyId, string Scope, int Priority, int InFlight, long TotalRequests, long Failures, int ConsecutiveFailures,
    string? DisabledReason, string? LastError, DateTimeOffset? LastUsedAt,
    IReadOnlyDictionary<string, PoolQuotaStatus> Quotas, string? LimitsTable);

/// <summary>One scope's counters for one quota group.</summary>
/// <param name="Limits">The limits in force for this model or quota group, after overrides and the key's published table.</param>
public sealed record PoolQuotaStatus(int RequestsLastMinute, int TokensLastMinute, int RequestsToday, DateTimeOffset? CooldownUntil, string? CooldownReason, QuotaLimits Limits);

namespace Gateway.Domain.Upstreams;

/// <summary>The right to send one request with one key; give it back with Succeed, Fail or Abandon.</summary>
public sealed record PoolLease(string KeyId, string Scope, string Group, string Model);

/// <summary>The pool's answer: a lease, or when the first key frees up (for Retry-After) and why none could serve.</summary>
public sealed record PoolSelection(PoolLease? Lease, DateTimeOffset? RetryAt, string? Reason)
{
    public static PoolSelection Exhausted(DateTimeOffset? retryAt, string reason) => new(null, retryAt, reason);
}

/// <summary>One key's state for status pages: counters, cooldown, why it is out.</summary>
public sealed record PoolKeyStatus(
    string KeyId, string Scope, int Priority, int InFlight, long TotalRequests, long Failures, int ConsecutiveFailures,
    string? DisabledReason, string? LastError, DateTimeOffset? LastUsedAt,
    IReadOnlyDictionary<string, PoolQuotaStatus> Quotas, string? LimitsTable);

/// <summary>One scope's counters for one quota group.</summary>
/// <param name="Limits">The limits in force for this model or quota group, after overrides and the key's published table.</param>
public sealed record PoolQuotaStatus(int RequestsLastMinute, int TokensLastMinute, int RequestsToday, DateTimeOffset? CooldownUntil, string? CooldownReason, QuotaLimits Limits);

namespace Gateway.Domain.Upstreams;

/// <summary>What a refusal taught the pool about a key that outlasts the request: what every instance sharing the key must know.</summary>
public enum PoolVerdictKind
{
    /// <summary>The scope rests for this quota group until <see cref="PoolVerdict.Until"/> (a rate limit, repeated transient failures).</summary>
    CooledDown,

    /// <summary>The scope's daily quota for this group is spent until the next daily reset.</summary>
    DailyExhausted,

    /// <summary>The upstream rejected the key (401/403): out of rotation until an operator enables it.</summary>
    Disabled,
}

/// <summary>
/// One lasting thing <see cref="KeyPool.Fail"/> learned, for <see cref="KeyPool.Apply"/> on the other instances.
/// Cooldowns belong to the scope and quota group (keys of one project share them); a rejection to the key alone.
/// </summary>
/// <param name="Until">When a cooldown ends; null for <see cref="PoolVerdictKind.Disabled"/>, which lasts until an operator enables the key.</param>
/// <param name="Reason">Secret-free, as the key's status shows it.</param>
public sealed record PoolVerdict(string KeyId, string Scope, string Group, PoolVerdictKind Kind, DateTimeOffset? Until, string Reason)
{
    /// <summary>Whether it still says anything at <paramref name="now"/>: a cooldown that ended says nothing.</summary>
    public bool InForceAt(DateTimeOffset now) => Until is not { } until || until > now;
}

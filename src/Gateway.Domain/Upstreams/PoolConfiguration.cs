namespace Gateway.Domain.Upstreams;

/// <summary>How the pool picks among the keys of one priority tier that can take a request.</summary>
public enum SelectionStrategy
{
    /// <summary>Fewest requests in flight, then fewest in the last minute, then the least recently used.</summary>
    LeastUsed,

    /// <summary>Each key in turn, in configured order.</summary>
    RoundRobin,

    /// <summary>The key (or project) with the fewest requests today: spreads daily quotas evenly.</summary>
    LowestRequestsToday,

    /// <summary>At random, weighted by the share of the daily (else per-minute) quota left, times the key's weight.</summary>
    WeightedByRemaining,

    /// <summary>The same caller to the same key while that key can serve (rendezvous hashing), so upstream prompt caches hit.</summary>
    Sticky,

    /// <summary>Fill-first: the first key in configured order until it is limited, then the next.</summary>
    Sequential,
}

/// <summary>Requests per minute, requests per day, tokens per minute; null means no limit known.</summary>
public sealed record QuotaLimits(int? Rpm, int? Rpd, int? Tpm)
{
    public static QuotaLimits None { get; } = new(null, null, null);

    /// <summary>Each limit this one leaves open taken from <paramref name="fallback"/>: overrides apply field by field.</summary>
    public QuotaLimits Or(QuotaLimits? fallback) =>
        fallback is null ? this : new(Rpm ?? fallback.Rpm, Rpd ?? fallback.Rpd, Tpm ?? fallback.Tpm);
}

/// <summary>One upstream key as the pool sees it: never the secret itself.</summary>
/// <param name="Project">Keys of one Google Cloud project share its quota; null: the key is its own scope.</param>
/// <param name="Priority">Lower tiers are used first (paid before free): a tier is touched only when every lower one is unavailable.</param>
/// <param name="Weight">Relative share for <see cref="SelectionStrategy.WeightedByRemaining"/>.</param>
/// <param name="MaxConcurrency">Requests in flight at once on this key, before the tier multiplier; null: unlimited.</param>
/// <param name="Limits">The key's own limits, for every model; they override <paramref name="Table"/>.</param>
/// <param name="Table">Published per-model limits for this kind of key (free tier); null: none.</param>
public sealed record PoolKey(
    string Id, string? Project = null, int Priority = 0, double Weight = 1, int? MaxConcurrency = null, QuotaLimits? Limits = null, KnownLimitTable? Table = null)
{
    /// <summary>Counters and cooldowns are kept per scope: the project when keys share one.</summary>
    public string Scope => Project is null ? "key:" + Id : "project:" + Project;
}

/// <param name="QuotaGroups">Models that share one quota (model to group name); a model not listed is its own group.</param>
/// <param name="ModelLimits">Limits per model or quota group, overriding the key's own and its table's, field by field.</param>
/// <param name="ConcurrencyMultipliers">Per priority tier, scales <see cref="PoolKey.MaxConcurrency"/> (paid tiers take more).</param>
/// <param name="CooldownLadder">Cooldowns for repeated failures without an upstream hint: 1st, 2nd, ... (the last repeats).</param>
public sealed record PoolOptions(
    SelectionStrategy Strategy = SelectionStrategy.LeastUsed,
    IReadOnlyDictionary<string, string>? QuotaGroups = null,
    IReadOnlyDictionary<string, QuotaLimits>? ModelLimits = null,
    IReadOnlyDictionary<int, double>? ConcurrencyMultipliers = null,
    IReadOnlyList<TimeSpan>? CooldownLadder = null)
{
    public static IReadOnlyList<TimeSpan> DefaultLadder { get; } =
        [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(300)];

    public string GroupOf(string model) => QuotaGroups?.GetValueOrDefault(model) ?? model;

    /// <summary>
    /// What applies to <paramref name="key"/> for <paramref name="model"/>, each limit from the first
    /// place that sets it: the operator's limits for the quota group, then for the model, then the
    /// key's own, then the key's published table.
    /// </summary>
    public QuotaLimits LimitsFor(PoolKey key, string model)
    {
        var group = GroupOf(model);
        var limits = ModelLimits?.GetValueOrDefault(group) ?? QuotaLimits.None;
        if (group != model)
            limits = limits.Or(ModelLimits?.GetValueOrDefault(model));
        return limits.Or(key.Limits).Or(key.Table?.For(model));
    }

    /// <summary>The cooldown after the <paramref name="failures"/>-th failure in a row (1-based).</summary>
    public TimeSpan Cooldown(int failures)
    {
        var ladder = CooldownLadder is { Count: > 0 } custom ? custom : DefaultLadder;
        return ladder[Math.Clamp(failures, 1, ladder.Count) - 1];
    }
}

namespace Gateway.Domain.Upstreams;

/// <summary>
/// The keys of one provider instance and everything the gateway knows about their limits. Pure: the
/// caller passes the time, nothing here sleeps or does I/O, so every rule is testable with a fixed clock.
/// Thread-safe: one lock around each decision (decisions take microseconds).
/// </summary>
/// <param name="quotaZone">Where the provider's quota day starts at midnight (<see cref="QuotaClock"/>).</param>
public sealed class KeyPool(TimeZoneInfo quotaZone, PoolOptions options, Random? random = null)
{
    private readonly Lock _lock = new();
    private readonly List<KeyState> _keys = [];
    private readonly Dictionary<(string Scope, string Group), QuotaState> _quotas = [];
    private readonly Random _random = random ?? Random.Shared;
    private int _roundRobin = -1;

    public PoolOptions Options => options;

    public void Add(PoolKey key)
    {
        lock (_lock)
        {
            _keys.RemoveAll(k => k.Key.Id == key.Id);
            _keys.Add(new KeyState(key));
        }
    }

    public void Remove(string keyId)
    {
        lock (_lock)
            _keys.RemoveAll(k => k.Key.Id == keyId);
    }

    /// <summary>Takes a key out of rotation until <see cref="Enable"/>, with the reason shown on its status.</summary>
    public void Disable(string keyId, string reason)
    {
        lock (_lock)
            Find(keyId)?.Disable(reason);
    }

    /// <summary>
    /// The models a key serves, as its upstream listed them; null: unknown, so it is tried for any model.
    /// Keys of one provider can differ (one project has a preview model, another not).
    /// </summary>
    public void SetModels(string keyId, IReadOnlySet<string>? models)
    {
        lock (_lock)
        {
            if (Find(keyId) is { } state)
                state.Models = models;
        }
    }

    public void Enable(string keyId)
    {
        lock (_lock)
        {
            if (Find(keyId) is { } state)
            {
                state.DisabledReason = null;
                state.ConsecutiveFailures = 0;
            }
        }
    }

    /// <summary>Picks a key for one request and counts the request against its quotas straight away.</summary>
    /// <param name="exclude">Keys this request already tried.</param>
    /// <param name="stickyKey">Who is asking, for <see cref="SelectionStrategy.Sticky"/>.</param>
    /// <param name="estimatedTokens">Prompt plus expected output, checked against tokens-per-minute.</param>
    public PoolSelection Acquire(string model, DateTimeOffset now, IReadOnlySet<string>? exclude = null, string? stickyKey = null, int estimatedTokens = 0)
    {
        var group = options.GroupOf(model);
        lock (_lock)
        {
            var available = new List<KeyState>();
            DateTimeOffset? firstFree = null;
            var reasons = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var state in _keys)
            {
                var (freeAt, reason) = Blocked(state, model, group, now, estimatedTokens);
                if (exclude?.Contains(state.Key.Id) == true)
                {
                    // Tried already by this request, yet it still tells the next request when to come back.
                    freeAt = reason is null ? now + TimeSpan.FromSeconds(1) : freeAt;
                    if (freeAt is not null && (firstFree is null || freeAt < firstFree))
                        firstFree = freeAt;
                    continue;
                }

                if (reason is null)
                {
                    available.Add(state);
                    continue;
                }

                reasons.Add(reason);
                if (freeAt is not null && (firstFree is null || freeAt < firstFree))
                    firstFree = freeAt;
            }

            if (available.Count == 0)
            {
                var why = _keys.Count == 0 ? "no keys are configured" : reasons.Count == 0 ? "every key was already tried" : string.Join("; ", reasons);
                return PoolSelection.Exhausted(firstFree, why);
            }

            var tier = available.Min(s => s.Key.Priority);
            var chosen = Choose([.. available.Where(s => s.Key.Priority == tier)], model, group, now, stickyKey);
            var quota = Quota(chosen.Key.Scope, group, now);
            chosen.InFlight++;
            chosen.TotalRequests++;
            chosen.LastUsedAt = now;
            quota.Requests.Add(now, 1);
            quota.RequestsToday++;
            return new PoolSelection(new PoolLease(chosen.Key.Id, chosen.Key.Scope, group, model), null, null);
        }
    }

    /// <summary>The request succeeded: free the slot, count its tokens, forget past failures.</summary>
    public void Succeed(PoolLease lease, int tokens, DateTimeOffset now)
    {
        lock (_lock)
        {
            var state = Release(lease);
            if (state is not null)
                state.ConsecutiveFailures = 0;
            if (tokens > 0)
                Quota(lease.Scope, lease.Group, now).Tokens.Add(now, tokens);
        }
    }

    /// <summary>
    /// The upstream refused: cool the scope down for rate limits (to the next daily reset for a spent
    /// daily quota), disable the key when it was rejected, and climb the cooldown ladder when failures
    /// repeat without an upstream hint. Errors of the request itself leave the key untouched.
    /// </summary>
    /// <param name="tokens">What the upstream produced before it failed (a stream that stalled): it counts in the windows all the same.</param>
    /// <returns>What the other instances must know, when this changed the key's standing; null when nothing lasting was learned
    /// (a first transient failure, an error of the request, a cooldown no longer than the one in force).</returns>
    public PoolVerdict? Fail(PoolLease lease, UpstreamFailure failure, DateTimeOffset now, int tokens = 0)
    {
        lock (_lock)
        {
            var state = Release(lease);
            if (tokens > 0)
                Quota(lease.Scope, lease.Group, now).Tokens.Add(now, tokens);
            if (state is null || failure.Kind is FailureKind.BadRequest or FailureKind.ContextLength)
                return null;
            state.Failures++;
            state.ConsecutiveFailures++;
            state.LastError = failure.Detail;
            var group = failure.Model is null ? lease.Group : options.GroupOf(failure.Model);
            var quota = Quota(lease.Scope, group, now);
            PoolVerdict Cooled(PoolVerdictKind kind, DateTimeOffset until) => new(lease.KeyId, lease.Scope, group, kind, until, failure.Detail);
            switch (failure.Kind)
            {
                case FailureKind.KeyRejected:
                    state.Disable(failure.Detail);
                    return new PoolVerdict(lease.KeyId, lease.Scope, group, PoolVerdictKind.Disabled, null, failure.Detail);
                case FailureKind.DailyQuotaExhausted:
                    var reset = QuotaClock.NextDailyReset(quotaZone, now);
                    return quota.CoolDown(reset, failure.Detail) ? Cooled(PoolVerdictKind.DailyExhausted, reset) : null;
                case FailureKind.RateLimited:
                    var wait = failure.RetryAfter is { } hint ? TimeSpan.FromSeconds(Math.Max(1, hint.TotalSeconds)) : options.Cooldown(state.ConsecutiveFailures);
                    return quota.CoolDown(now + wait, failure.Detail) ? Cooled(PoolVerdictKind.CooledDown, now + wait) : null;
                case FailureKind.Transient when state.ConsecutiveFailures >= 2:
                    // The first transient failure is retried on the same key; repeated ones bench it.
                    var until = now + (failure.RetryAfter ?? options.Cooldown(state.ConsecutiveFailures - 1));
                    return quota.CoolDown(until, failure.Detail) ? Cooled(PoolVerdictKind.CooledDown, until) : null;
            }

            // A first transient failure: retried on the same key, nothing lasting learned yet.
            return null;
        }
    }

    /// <summary>
    /// What another instance learned (<see cref="Fail"/>'s verdict there), applied here as if this pool had
    /// learned it: a cooldown only ever extends the one in force (and waits for keys of its scope added
    /// later), a rejection disables the key. A verdict whose time has passed, or a rejection of a key this
    /// pool does not hold, changes nothing.
    /// </summary>
    public void Apply(PoolVerdict verdict, DateTimeOffset now)
    {
        if (!verdict.InForceAt(now))
            return;
        lock (_lock)
        {
            if (verdict.Kind == PoolVerdictKind.Disabled)
                Find(verdict.KeyId)?.Disable(verdict.Reason);
            else if (verdict.Until is { } until)
                Quota(verdict.Scope, verdict.Group, now).CoolDown(until, verdict.Reason);
        }
    }

    /// <summary>The request ended without an upstream verdict (the client left): only free the slot.</summary>
    public void Abandon(PoolLease lease)
    {
        lock (_lock)
            Release(lease);
    }

    public IReadOnlyList<PoolKeyStatus> Status(DateTimeOffset now)
    {
        lock (_lock)
        {
            return [.. _keys.Select(s => new PoolKeyStatus(
                s.Key.Id, s.Key.Scope, s.Key.Priority, s.InFlight, s.TotalRequests, s.Failures, s.ConsecutiveFailures,
                s.DisabledReason, s.LastError, s.LastUsedAt,
                _quotas.Where(q => q.Key.Scope == s.Key.Scope).ToDictionary(
                    q => q.Key.Group,
                    q =>
                    {
                        q.Value.Roll(now, quotaZone);
                        return new PoolQuotaStatus(
                            q.Value.Requests.Sum(now), q.Value.Tokens.Sum(now), q.Value.RequestsToday,
                            q.Value.CooldownUntil > now ? q.Value.CooldownUntil : null, q.Value.CooldownUntil > now ? q.Value.CooldownReason : null,
                            s.LimitsFor(q.Key.Group, options));
                    }),
                s.Key.Table?.Name))];
        }
    }

    /// <returns>Null reason when the key can take the request; otherwise why not and when that ends.</returns>
    private (DateTimeOffset? FreeAt, string? Reason) Blocked(KeyState state, string model, string group, DateTimeOffset now, int estimatedTokens)
    {
        if (state.DisabledReason is not null)
            return (null, "disabled");
        if (state.Models is { } models && !models.Contains(model))
            return (null, "does not serve this model");
        var cap = Capacity(state.Key);
        if (cap is not null && state.InFlight >= cap)
            return (now + TimeSpan.FromSeconds(1), "at its concurrency limit");
        var quota = Quota(state.Key.Scope, group, now);
        if (quota.CooldownUntil > now)
            return (quota.CooldownUntil, "cooling down");
        var limits = state.LimitsFor(model, options);
        if (limits.Rpd is { } rpd && quota.RequestsToday >= rpd)
            return (QuotaClock.NextDailyReset(quotaZone, now), "daily quota used");
        if (limits.Rpm is { } rpm && quota.Requests.Sum(now) >= rpm)
            return (quota.Requests.NextExpiry(now), "requests-per-minute limit reached");
        if (limits.Tpm is { } tpm && quota.Tokens.Sum(now) is > 0 and var used && used + estimatedTokens > tpm)
            return (quota.Tokens.NextExpiry(now), "tokens-per-minute limit reached");
        return (null, null);
    }

    private int? Capacity(PoolKey key) =>
        key.MaxConcurrency is { } max
            ? Math.Max(1, (int)Math.Floor(max * (options.ConcurrencyMultipliers?.GetValueOrDefault(key.Priority, 1.0) ?? 1.0)))
            : null;

    private KeyState Choose(List<KeyState> tier, string model, string group, DateTimeOffset now, string? stickyKey)
    {
        switch (options.Strategy)
        {
            case SelectionStrategy.Sequential:
                return tier[0];
            case SelectionStrategy.RoundRobin:
                var order = _keys.ToList();
                for (var step = 1; step <= order.Count; step++)
                {
                    var candidate = order[(_roundRobin + step) % order.Count];
                    if (tier.Contains(candidate))
                    {
                        _roundRobin = order.IndexOf(candidate);
                        return candidate;
                    }
                }

                return tier[0];
            case SelectionStrategy.LowestRequestsToday:
                return tier.MinBy(s => (Quota(s.Key.Scope, group, now).RequestsToday, s.LastUsedAt ?? DateTimeOffset.MinValue))!;
            case SelectionStrategy.WeightedByRemaining:
                return Weighted(tier, model, group, now);
            case SelectionStrategy.Sticky when stickyKey is not null:
                // Rendezvous hashing: each caller ranks keys the same way every time, so it returns to
                // its key as soon as that key can serve again, and only its share moves when keys change.
                return tier.MaxBy(s => StableHash(stickyKey + "\n" + s.Key.Id))!;
            default:
                return tier.MinBy(s => (s.InFlight, Quota(s.Key.Scope, group, now).Requests.Sum(now), s.LastUsedAt ?? DateTimeOffset.MinValue))!;
        }
    }

    private KeyState Weighted(List<KeyState> tier, string model, string group, DateTimeOffset now)
    {
        var weights = tier.Select(s =>
        {
            var quota = Quota(s.Key.Scope, group, now);
            var limits = s.LimitsFor(model, options);
            var left = limits switch
            {
                { Rpd: { } rpd } => (double)(rpd - quota.RequestsToday) / rpd,
                { Rpm: { } rpm } => (double)(rpm - quota.Requests.Sum(now)) / rpm,
                _ => 1.0,
            };
            return Math.Max(left, 0.001) * Math.Max(s.Key.Weight, 0.001);
        }).ToArray();
        var pick = _random.NextDouble() * weights.Sum();
        for (var i = 0; i < tier.Count; i++)
        {
            pick -= weights[i];
            if (pick <= 0)
                return tier[i];
        }

        return tier[^1];
    }

    private QuotaState Quota(string scope, string group, DateTimeOffset now)
    {
        if (!_quotas.TryGetValue((scope, group), out var quota))
            _quotas[(scope, group)] = quota = new QuotaState(QuotaClock.QuotaDay(quotaZone, now));
        quota.Roll(now, quotaZone);
        return quota;
    }

    private KeyState? Release(PoolLease lease)
    {
        var state = Find(lease.KeyId);
        if (state is not null && state.InFlight > 0)
            state.InFlight--;
        return state;
    }

    private KeyState? Find(string keyId) => _keys.Find(k => k.Key.Id == keyId);

    private static ulong StableHash(string text)
    {
        // FNV-1a: stable across processes, unlike string.GetHashCode.
        var hash = 14695981039346656037UL;
        foreach (var c in text)
            hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }

    private sealed class KeyState(PoolKey key)
    {
        public PoolKey Key { get; } = key;

        public int InFlight { get; set; }

        public long TotalRequests { get; set; }

        public long Failures { get; set; }

        public int ConsecutiveFailures { get; set; }

        public string? DisabledReason { get; set; }

        public IReadOnlySet<string>? Models { get; set; }

        public string? LastError { get; set; }

        public DateTimeOffset? LastUsedAt { get; set; }

        public void Disable(string reason) => DisabledReason = reason;

        // Merged once per model: the options and the key never change while this state lives.
        private readonly Dictionary<string, QuotaLimits> _limits = new(StringComparer.Ordinal);

        public QuotaLimits LimitsFor(string model, PoolOptions options)
        {
            if (!_limits.TryGetValue(model, out var limits))
            {
                // Model names can come from callers (provider:anything): bound what they can make us keep.
                if (_limits.Count >= 256)
                    _limits.Clear();
                _limits[model] = limits = options.LimitsFor(Key, model);
            }

            return limits;
        }
    }

    private sealed class QuotaState(DateOnly day)
    {
        public MinuteWindow Requests { get; } = new();

        public MinuteWindow Tokens { get; } = new();

        public DateOnly Day { get; private set; } = day;

        public int RequestsToday { get; set; }

        public DateTimeOffset? CooldownUntil { get; private set; }

        public string? CooldownReason { get; private set; }

        /// <returns>Whether this extended the cooldown in force.</returns>
        public bool CoolDown(DateTimeOffset until, string reason)
        {
            if (CooldownUntil is not null && until <= CooldownUntil)
                return false;
            CooldownUntil = until;
            CooldownReason = reason;
            return true;
        }

        /// <summary>Starts a new day's count at the daily reset.</summary>
        public void Roll(DateTimeOffset now, TimeZoneInfo zone)
        {
            var today = QuotaClock.QuotaDay(zone, now);
            if (today != Day)
            {
                Day = today;
                RequestsToday = 0;
            }
        }
    }
}

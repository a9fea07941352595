using Gateway.Domain.Upstreams.Sharing;

namespace Gateway.Domain.Upstreams;

/// <summary>
/// The keys of one provider instance and everything the gateway knows about their limits. Pure: the
/// caller passes the time, nothing here sleeps or does I/O, so every rule is testable with a fixed clock.
/// Thread-safe: one lock around each decision (decisions take microseconds).
/// </summary>
/// <param name="quotaZone">Where the provider's quota day starts at midnight (<see cref="QuotaClock"/>).</param>
/// <param name="shared">
/// The windows every instance counts against together: a key's limits hold across them, spent from shares leased
/// from the shared store. Null: this pool's own counts are the whole truth (one instance).
/// </param>
public sealed class KeyPool(TimeZoneInfo quotaZone, PoolOptions options, Random? random = null, SharedWindows? shared = null)
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
            List<(KeyState State, List<(QuotaKey Key, long Limit, long Need)> Lacking)>? leasable = null;
            DateTimeOffset? firstFree = null;
            var reasons = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var state in _keys)
            {
                var (freeAt, reason, lacking) = Blocked(state, model, group, now, estimatedTokens);
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
                    if (lacking is null)
                        available.Add(state);
                    else
                        (leasable ??= []).Add((state, lacking));
                    continue;
                }

                reasons.Add(reason);
                if (freeAt is not null && (firstFree is null || freeAt < firstFree))
                    firstFree = freeAt;
            }

            if (available.Count == 0 && leasable is null)
            {
                var why = _keys.Count == 0 ? "no keys are configured" : reasons.Count == 0 ? "every key was already tried" : string.Join("; ", reasons);
                return PoolSelection.Exhausted(firstFree, why);
            }

            // A key that only lacks a share of its shared windows keeps its tier: paid keys stay first while their share is leased.
            var tier = leasable is null ? available.Min(s => s.Key.Priority) : available.Concat(leasable.Select(l => l.State)).Min(s => s.Key.Priority);
            var ready = available.Where(s => s.Key.Priority == tier).ToList();
            if (ready.Count == 0)
            {
                leasable!.RemoveAll(l => l.State.Key.Priority != tier);
                var toLease = Choose([.. leasable.Select(l => l.State)], model, group, now, stickyKey);
                var reset = QuotaClock.NextDailyReset(quotaZone, now);
                return PoolSelection.Leasing([.. leasable.First(l => l.State == toLease).Lacking.Select(l => shared!.Shares.Want(l.Key, l.Limit, l.Need, now, reset))]);
            }

            var chosen = Choose(ready, model, group, now, stickyKey);
            var quota = Quota(chosen.Key.Scope, group, now);
            chosen.InFlight++;
            chosen.TotalRequests++;
            chosen.LastUsedAt = now;
            quota.Requests.Add(now, 1);
            quota.RequestsToday++;
            var reserved = shared is null ? 0 : Spend(chosen, model, group, now, estimatedTokens);
            return new PoolSelection(new PoolLease(chosen.Key.Id, chosen.Key.Scope, group, model, reserved), null, null);
        }
    }

    /// <summary>A grant for one of this pool's shared windows came: the next <see cref="Acquire"/> can spend it.</summary>
    public void Granted(QuotaWant want, QuotaGrant grant, DateTimeOffset now) => shared?.Shares.Granted(want, grant, now);

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
            SettleTokens(lease, tokens, now);
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
            SettleTokens(lease, tokens, now);
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

    /// <returns>
    /// Null reason when the key can take the request; otherwise why not and when that ends. Lacking when it could take
    /// it but has too small a share of a shared window: what to lease first.
    /// </returns>
    private (DateTimeOffset? FreeAt, string? Reason, List<(QuotaKey Key, long Limit, long Need)>? Lacking) Blocked(KeyState state, string model, string group, DateTimeOffset now, int estimatedTokens)
    {
        if (state.DisabledReason is not null)
            return (null, "disabled", null);
        if (state.Models is { } models && !models.Contains(model))
            return (null, "does not serve this model", null);
        var cap = Capacity(state.Key);
        if (cap is not null && state.InFlight >= cap)
            return (now + TimeSpan.FromSeconds(1), "at its concurrency limit", null);
        var quota = Quota(state.Key.Scope, group, now);
        if (quota.CooldownUntil > now)
            return (quota.CooldownUntil, "cooling down", null);
        var limits = state.LimitsFor(model, options);
        if (limits.Rpd is { } rpd && quota.RequestsToday >= rpd)
            return (QuotaClock.NextDailyReset(quotaZone, now), "daily quota used", null);
        if (limits.Rpm is { } rpm && quota.Requests.Sum(now) >= rpm)
            return (quota.Requests.NextExpiry(now), "requests-per-minute limit reached", null);
        if (limits.Tpm is { } tpm && quota.Tokens.Sum(now) is > 0 and var used && used + estimatedTokens > tpm)
            return (quota.Tokens.NextExpiry(now), "tokens-per-minute limit reached", null);
        return shared is null ? (null, null, null) : SharedBlock(state.Key.Scope, group, limits, now, estimatedTokens);
    }

    /// <summary>What the windows shared with other instances say: refused for now, a share to lease first, or free to go.</summary>
    private (DateTimeOffset? FreeAt, string? Reason, List<(QuotaKey Key, long Limit, long Need)>? Lacking) SharedBlock(string scope, string group, QuotaLimits limits, DateTimeOffset now, int estimatedTokens)
    {
        List<(QuotaKey Key, long Limit, long Need)>? lacking = null;
        foreach (var need in SharedNeeds(scope, group, limits, estimatedTokens))
        {
            if (shared!.Shares.RefusedUntil(need.Key, now) is { } until)
                return (until, SharedReason(need.Key.Dimension), null);
            if (shared.Shares.Available(need.Key, now) < need.Need)
                (lacking ??= []).Add(need);
        }

        return (null, null, lacking);
    }

    private static string SharedReason(QuotaDimension dimension) => dimension switch
    {
        QuotaDimension.RequestsPerMinute => "requests-per-minute limit reached across instances",
        QuotaDimension.RequestsPerDay => "daily quota used across instances",
        QuotaDimension.TokensPerMinute => "tokens-per-minute limit reached across instances",
    };

    /// <summary>Each shared window a request counts in, its limit, and what the request takes from it (tokens: at most the limit).</summary>
    private IEnumerable<(QuotaKey Key, long Limit, long Need)> SharedNeeds(string scope, string group, QuotaLimits limits, int estimatedTokens)
    {
        var owner = shared!.Owner;
        if (limits.Rpm is { } rpm)
            yield return (new QuotaKey(owner, scope, group, QuotaDimension.RequestsPerMinute), rpm, 1);
        if (limits.Rpd is { } rpd)
            yield return (new QuotaKey(owner, scope, group, QuotaDimension.RequestsPerDay), rpd, 1);
        if (limits.Tpm is { } tpm)
            yield return (new QuotaKey(owner, scope, group, QuotaDimension.TokensPerMinute), tpm, Math.Clamp(estimatedTokens, 1, tpm));
    }

    /// <summary>Spends the chosen key's shares (checked just before, under the same lock); returns the tokens reserved.</summary>
    private int Spend(KeyState chosen, string model, string group, DateTimeOffset now, int estimatedTokens)
    {
        var reserved = 0;
        foreach (var (key, _, need) in SharedNeeds(chosen.Key.Scope, group, chosen.LimitsFor(model, options), estimatedTokens))
        {
            shared!.Shares.TryTake(key, need, now);
            if (key.Dimension == QuotaDimension.TokensPerMinute)
                reserved = (int)need;
        }

        return reserved;
    }

    private void SettleTokens(PoolLease lease, int tokens, DateTimeOffset now)
    {
        if (shared is not null && lease.ReservedTokens > 0)
            shared.Shares.Settle(new QuotaKey(shared.Owner, lease.Scope, lease.Group, QuotaDimension.TokensPerMinute), lease.ReservedTokens, tokens, now);
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

namespace Gateway.Domain.Upstreams.Sharing;

/// <summary>
/// This instance's shares of windows that every instance of a deployment counts against together (a free key's 10
/// requests a minute, a virtual key's tokens per minute). Each share is a set of grants from the shared store, each
/// spendable for <see cref="UseWithin"/> after it came, so a request is admitted here without a round trip while
/// the share lasts. Pure and thread-safe (one lock; callers may hold their own around it): the host moves grants in
/// and settlements out.
/// </summary>
/// <remarks>
/// Why a grant counts in the store until <see cref="UseWithin"/> plus a minute after it was made: a unit spent at its
/// last usable moment stays in the upstream's sliding minute until a minute later. Closing the grant (spent, stale,
/// idle or asked back) shortens that to a minute after its last use, the same as a window of exact times, and gives
/// back what it did not use.
/// </remarks>
public sealed class QuotaShares
{
    /// <summary>How long a grant may be spent after it came.</summary>
    public static readonly TimeSpan UseWithin = TimeSpan.FromSeconds(5);

    /// <summary>How long a share may sit unused before its grants go back.</summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(2);

    /// <summary>How long a window the store refused stays refused here before it is asked again (others may give back).</summary>
    public static readonly TimeSpan AskAgainAfter = TimeSpan.FromSeconds(1);

    /// <summary>The fewest requests' worth a grant adds beyond the one that asked, however quiet the share: a burst on a cold share needs no grant per request.</summary>
    public const long FewestExtra = 4;

    private readonly Lock _lock = new();
    private readonly Dictionary<QuotaKey, Share> _shares = [];

    /// <summary>What can be spent here now: live grants' unspent units, less what was overspent.</summary>
    public long Available(QuotaKey key, DateTimeOffset now)
    {
        lock (_lock)
            return _shares.TryGetValue(key, out var share) ? share.Available(now) : 0;
    }

    /// <summary>When the store last refused this window and it is not yet time to ask again: until when nothing frees there.</summary>
    public DateTimeOffset? RefusedUntil(QuotaKey key, DateTimeOffset now)
    {
        lock (_lock)
            return _shares.TryGetValue(key, out var share) && share.RefusedAt is { } at && now < at + AskAgainAfter ? share.FreeAt ?? at + AskAgainAfter : null;
    }

    /// <summary>Spends <paramref name="units"/> from the oldest live grants first; false (and nothing spent) when they do not cover it.</summary>
    public bool TryTake(QuotaKey key, long units, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_shares.TryGetValue(key, out var share) || share.Available(now) < units)
                return false;
            share.Take(units, now);
            return true;
        }
    }

    /// <summary>
    /// A request that took <paramref name="reserved"/> tokens spent <paramref name="actual"/>: the difference goes back to
    /// the newest live grant, or is owed and recorded with the next grant or settlement when it spent more.
    /// </summary>
    public void Settle(QuotaKey key, long reserved, long actual, DateTimeOffset now)
    {
        if (reserved == actual)
            return;
        lock (_lock)
        {
            // A share gone (idle for a minute) had its grants closed long ago; nothing is left to correct.
            if (_shares.TryGetValue(key, out var share))
                share.Settle(reserved, actual, now);
        }
    }

    /// <summary>
    /// What to ask the store for so <paramref name="need"/> units can be spent: the shortfall, about a second of this
    /// share's traffic beyond it, and this share's grants that are done with (taken out here: closed in the same transaction).
    /// </summary>
    /// <param name="countsUntil">For a quota day, its next reset; for a minute window, ignored (a grant counts <see cref="UseWithin"/> plus a minute).</param>
    public QuotaWant Want(QuotaKey key, long limit, long need, DateTimeOffset now, DateTimeOffset countsUntil)
    {
        lock (_lock)
        {
            var share = Of(key);
            var closings = share.Close(now, all: false, key.PerMinute);
            var forced = share.TakeDebt();
            var shortfall = Math.Max(0, need - share.Available(now));
            var extra = Math.Max(need * FewestExtra, (long)Math.Ceiling(share.UnitsPerSecond(now)));
            return new QuotaWant(key, limit, shortfall, extra, forced, now, key.PerMinute ? now + UseWithin + MinuteWindow.Length : countsUntil, closings, need);
        }
    }

    /// <summary>
    /// The store answered a <see cref="Want"/>: the grant joins the share; a grant short of the shortfall marks the window
    /// refused for a moment. A grant without an id was made here alone (the store could not be reached): spendable, never closed.
    /// </summary>
    public void Granted(QuotaWant want, QuotaGrant grant, DateTimeOffset now)
    {
        lock (_lock)
        {
            var share = Of(want.Key);
            var units = grant.Units - want.Forced;
            if (units > 0)
                share.Add(grant.GrantId, units, now, now + UseWithin, want.CountsUntil);
            share.Refused(units < want.Shortfall ? now : null, grant.FreeAt);
        }
    }

    /// <summary>The store could not be asked: the overspend it was to record is owed again.</summary>
    public void Failed(QuotaWant want)
    {
        if (want.Forced == 0)
            return;
        lock (_lock)
            Of(want.Key).Owe(want.Forced);
    }

    /// <summary>
    /// Grants to close and overspend to record without a request waiting: stale or spent grants, every grant of a share
    /// idle for <see cref="IdleAfter"/>, and every grant of the windows <paramref name="askedBack"/> names.
    /// </summary>
    public IReadOnlyList<QuotaSettlement> Settlements(DateTimeOffset now, Func<QuotaKey, bool>? askedBack = null)
    {
        lock (_lock)
        {
            var settlements = new List<QuotaSettlement>();
            foreach (var (key, share) in _shares)
            {
                var all = now - share.LastTakenAt >= IdleAfter || askedBack?.Invoke(key) == true;
                var closings = share.Close(now, all, key.PerMinute);
                var forced = share.TakeDebt();
                if (closings.Count > 0 || forced > 0)
                    settlements.Add(new QuotaSettlement(key, now, forced, closings));
            }

            _shares.Where(s => s.Value.Empty && now - s.Value.LastTakenAt >= MinuteWindow.Length).Select(s => s.Key).ToList().ForEach(k => _shares.Remove(k));
            return settlements;
        }
    }

    /// <summary>A settlement could not be stored: its overspend is owed again (its closings are simply not made; the store keeps counting them, which is safe).</summary>
    public void Unsettled(QuotaSettlement settlement)
    {
        if (settlement.Forced == 0)
            return;
        lock (_lock)
            Of(settlement.Key).Owe(settlement.Forced);
    }

    private Share Of(QuotaKey key)
    {
        if (!_shares.TryGetValue(key, out var share))
            _shares[key] = share = new Share();
        return share;
    }

    private sealed class Grant(long id, long units, DateTimeOffset usableUntil, DateTimeOffset countsUntil)
    {
        public long Id { get; } = id;

        public long Units { get; } = units;

        public long Spent { get; set; }

        public DateTimeOffset UsableUntil { get; } = usableUntil;

        public DateTimeOffset CountsUntil { get; } = countsUntil;

        public DateTimeOffset? LastUsedAt { get; set; }

        public long Left => Units - Spent;
    }

    private sealed class Share
    {
        private readonly List<Grant> _grants = [];
        private readonly MinuteWindow _recent = new();
        private long _debt;
        private DateTimeOffset _busySince;

        public DateTimeOffset LastTakenAt { get; private set; } = DateTimeOffset.MinValue;

        public DateTimeOffset? RefusedAt { get; private set; }

        public DateTimeOffset? FreeAt { get; private set; }

        public bool Empty => _grants.Count == 0 && _debt == 0;

        public long Available(DateTimeOffset now) => _grants.Where(g => g.UsableUntil > now).Sum(g => g.Left) - _debt;

        public void Add(long id, long units, DateTimeOffset now, DateTimeOffset usableUntil, DateTimeOffset countsUntil)
        {
            // A grant is activity: the request that asked for it has yet to spend it, so the share is not idle.
            Touch(now);
            _grants.Add(new Grant(id, units, usableUntil, countsUntil));
        }

        public void Refused(DateTimeOffset? at, DateTimeOffset? freeAt) => (RefusedAt, FreeAt) = (at, at is null ? null : freeAt);

        public void Take(long units, DateTimeOffset now)
        {
            Touch(now);
            _recent.Add(now, (int)Math.Min(units, int.MaxValue));
            var rest = units;
            foreach (var grant in _grants.Where(g => g.UsableUntil > now && g.Left > 0))
            {
                var part = Math.Min(rest, grant.Left);
                grant.Spent += part;
                grant.LastUsedAt = now;
                if ((rest -= part) == 0)
                    return;
            }
        }

        public void Settle(long reserved, long actual, DateTimeOffset now)
        {
            Touch(now);
            if (actual > reserved)
            {
                _debt += actual - reserved;
                return;
            }

            // Tokens reserved but not spent are spendable again while a grant lives; once none does they were never used, and closing says so.
            var back = reserved - actual;
            foreach (var grant in _grants.Where(g => g.UsableUntil > now).Reverse())
            {
                var part = Math.Min(back, grant.Spent);
                grant.Spent -= part;
                if ((back -= part) == 0)
                    return;
            }
        }

        public void Owe(long units) => _debt += units;

        private void Touch(DateTimeOffset now)
        {
            if (now - LastTakenAt >= MinuteWindow.Length)
                _busySince = now;
            LastTakenAt = now;
        }

        public long TakeDebt()
        {
            var debt = Math.Max(0, _debt - _grants.Sum(g => g.Left));
            // Overspend covered by unspent grants is simply spent from them; only what they cannot cover goes to the store.
            var covered = _debt - debt;
            foreach (var grant in _grants)
            {
                var part = Math.Min(covered, grant.Left);
                grant.Spent += part;
                covered -= part;
            }

            _debt = 0;
            return debt;
        }

        /// <summary>Takes out the grants that are done with (all of them when <paramref name="all"/>) and says how to close each.</summary>
        public List<QuotaClosing> Close(DateTimeOffset now, bool all, bool perMinute)
        {
            var closings = new List<QuotaClosing>();
            _grants.RemoveAll(g =>
            {
                if (!all && g.UsableUntil > now && g.Left > 0)
                    return false;
                var until = perMinute ? (g.LastUsedAt ?? now) + MinuteWindow.Length : g.CountsUntil;
                if (g.Id != 0)
                    closings.Add(new QuotaClosing(g.Id, g.Left, until < g.CountsUntil ? until : g.CountsUntil));
                return true;
            });
            return closings;
        }

        /// <summary>
        /// Units taken per second over the last minute, or over the time since the share became busy when that is shorter
        /// (so a lease grows to about a second of traffic within a second or two of load, not after a minute of it).
        /// </summary>
        public double UnitsPerSecond(DateTimeOffset now)
        {
            var seconds = Math.Clamp((now - _busySince).TotalSeconds, 1, MinuteWindow.Length.TotalSeconds);
            return _recent.Sum(now) / seconds;
        }
    }
}

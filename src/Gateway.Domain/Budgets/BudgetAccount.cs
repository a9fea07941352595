namespace Gateway.Domain.Budgets;

/// <summary>
/// One instance's share of one budget period. Instances lease headroom from the database and spend
/// it here without a round trip; the sum of leases never exceeds what the period has left, so the
/// limit holds across instances. Holds are reserved worst cases, settled to actual costs exactly once.
/// </summary>
public sealed class BudgetAccount
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Spend> _holds = [];
    private Spend _lease;
    private Spend _settled;
    private Spend _storing;
    private DateTimeOffset _windowStart;
    private int _windowHolds;
    private double _holdsPerSecond;
    private DateTimeOffset? _askedToGiveBackAt;

    /// <summary>Granted to this instance and not yet written off as stored spend.</summary>
    public Spend Lease { get { lock (_lock) return _lease; } }

    /// <summary>Spent here and not yet stored in the database.</summary>
    public Spend Settled { get { lock (_lock) return _settled + _storing; } }

    /// <summary>What this instance may still hold without asking the database.</summary>
    public Spend Available { get { lock (_lock) return Free(); } }

    /// <summary>When a request last held here: an idle account gives its unused lease back.</summary>
    public DateTimeOffset LastHeldAt { get; private set; }

    /// <summary>
    /// How many requests a second asked to hold here, over the last whole second (or the one under way, when busier):
    /// what the next lease is sized by (<see cref="LeaseSizing"/>).
    /// </summary>
    public double HoldsPerSecond
    {
        get
        {
            lock (_lock)
                return Math.Max(_holdsPerSecond, _windowHolds / RateWindow.TotalSeconds);
        }
    }

    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    /// <summary>
    /// What of the lease is in use here: held for requests in flight, and spent but not yet stored. Spend the usage writer
    /// is storing counts in neither: the database may have it already, and another instance adding this answer to the
    /// stored spend must not count it twice.
    /// </summary>
    public LeaseUse Use
    {
        get
        {
            lock (_lock)
            {
                var held = Spend.Zero;
                foreach (var hold in _holds.Values)
                    held += hold;
                return new LeaseUse(held, _settled);
            }
        }
    }

    /// <summary>Whether leases here are sized small, because another instance asked for headroom back lately (<see cref="LeaseSizing.CoolOff"/>).</summary>
    public bool CoolingOff(DateTimeOffset now)
    {
        lock (_lock)
            return LeaseSizing.CoolingOff(_askedToGiveBackAt, now);
    }

    /// <summary>
    /// Another instance lacks headroom: the unused lease is taken out (as <see cref="TakeUnused"/>, for the caller to
    /// give back) and leases here stay small for a while.
    /// </summary>
    public Spend GiveBack(DateTimeOffset now)
    {
        lock (_lock)
        {
            _askedToGiveBackAt = now;
            return TakeUnusedUnderLock();
        }
    }

    /// <summary>Requests in flight here.</summary>
    public int HoldCount { get { lock (_lock) return _holds.Count; } }

    /// <summary>Reserves <paramref name="need"/> under <paramref name="holdId"/> when the lease covers it.</summary>
    public bool TryHold(Guid holdId, Spend need, DateTimeOffset now)
    {
        lock (_lock)
        {
            Count(now);
            if (!Free().Covers(need))
                return false;
            _holds[holdId] = need;
            return true;
        }
    }

    /// <summary>Holds regardless of the lease (alert-only budgets count spend but refuse nothing).</summary>
    public void ForceHold(Guid holdId, Spend need, DateTimeOffset now)
    {
        lock (_lock)
        {
            Count(now);
            _holds[holdId] = need;
        }
    }

    /// <summary>Turns the hold into the actual spend. False when it was settled or released already: nothing changes twice.</summary>
    public bool Settle(Guid holdId, Spend actual)
    {
        lock (_lock)
        {
            if (!_holds.Remove(holdId))
                return false;
            _settled += actual;
            return true;
        }
    }

    /// <summary>Gives a hold back whole (the request failed before costing anything).</summary>
    public bool Release(Guid holdId)
    {
        lock (_lock)
            return _holds.Remove(holdId);
    }

    public void Grant(Spend extra)
    {
        lock (_lock)
            _lease += extra;
    }

    /// <summary>The usage writer is storing this spend: until it says how that went, the spend is on its way.</summary>
    public void Storing(Spend spend)
    {
        lock (_lock)
        {
            var moving = Spend.Min(_settled, spend).AtLeastZero;
            _settled -= moving;
            _storing += moving;
        }
    }

    /// <summary>The spend the usage writer tried to store is not stored (the write failed): it is unstored again.</summary>
    public void NotStored(Spend spend)
    {
        lock (_lock)
        {
            var back = Spend.Min(_storing, spend).AtLeastZero;
            _storing -= back;
            _settled += back;
        }
    }

    /// <summary>Spend from here is now stored: the database took it out of this instance's lease too.</summary>
    public void Stored(Spend spend)
    {
        lock (_lock)
        {
            _lease = (_lease - spend).AtLeastZero;
            var stored = Spend.Min(_storing, spend).AtLeastZero;
            _storing -= stored;
            _settled = (_settled - (spend - stored)).AtLeastZero;
        }
    }

    /// <summary>
    /// Takes the lease this instance holds beyond what it has used out in one step, so a request holding at the same moment cannot hold
    /// what is on its way back. Give it back with <see cref="Grant"/> if the database does not take it.
    /// </summary>
    public Spend TakeUnused()
    {
        lock (_lock)
            return TakeUnusedUnderLock();
    }

    private Spend TakeUnusedUnderLock()
    {
        var unused = Free().AtLeastZero;
        _lease -= unused;
        return unused;
    }

    /// <summary>A request asked to hold at <paramref name="now"/>: the hold rate's window moves on when a second has passed. Call under the lock.</summary>
    private void Count(DateTimeOffset now)
    {
        LastHeldAt = now;
        var elapsed = now - _windowStart;
        if (elapsed >= RateWindow)
        {
            // A window long past says the account was quiet since: its holds spread over the whole gap.
            _holdsPerSecond = _windowStart == default ? 0 : _windowHolds / elapsed.TotalSeconds;
            (_windowStart, _windowHolds) = (now, 0);
        }

        _windowHolds++;
    }

    /// <summary>The lease less what is spent and held; negative when spend ran past a hold. Call under the lock.</summary>
    private Spend Free()
    {
        var free = _lease - _settled - _storing;
        foreach (var hold in _holds.Values)
            free -= hold;
        return free;
    }
}

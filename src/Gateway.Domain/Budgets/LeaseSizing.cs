namespace Gateway.Domain.Budgets;

/// <summary>
/// How much headroom an instance asks the database for when its lease runs short, and how much of what a period has
/// left one grant gives. A busy instance leases about <see cref="Horizon"/> of its traffic at once, so it asks a few
/// times a second rather than every few requests (each grant is a transaction on the period's row, which every
/// instance and the usage writer queue on); a grant never takes more than half of what is left beyond the request
/// that asked, so the other instances always find headroom to lease while there is some. An instance another one asked
/// to give headroom back leases only the shortfall and <see cref="CoolingHolds"/> more for <see cref="CoolOff"/>, so
/// what it gave back is not leased away again by its next request.
/// </summary>
public static class LeaseSizing
{
    /// <summary>How much traffic, at the account's current rate of holds, one lease covers.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromSeconds(1);

    /// <summary>The fewest worst-case holds a lease adds beyond the one that asked, however quiet the account.</summary>
    public const long FewestHolds = 4;

    /// <summary>The most a lease adds, however busy: a bound on what one instance keeps from the others for a while.</summary>
    public const long MostHolds = 100_000;

    /// <summary>How long an instance asked to give headroom back leases small.</summary>
    public static readonly TimeSpan CoolOff = TimeSpan.FromSeconds(5);

    /// <summary>The worst-case holds a lease adds beyond the one that asked while the instance cools off.</summary>
    public const long CoolingHolds = 1;

    /// <summary>What the hold that asked lacks, and the lease beyond it to ask for.</summary>
    /// <param name="coolingOff">Whether another instance asked this one to give headroom back within the last <see cref="CoolOff"/>.</param>
    public static (Spend Shortfall, Spend Extra) Want(Spend need, Spend available, double holdsPerSecond, bool coolingOff = false)
    {
        var holds = coolingOff ? CoolingHolds : Math.Clamp((long)Math.Ceiling(holdsPerSecond * Horizon.TotalSeconds), FewestHolds, MostHolds);
        return ((need - available).AtLeastZero, new Spend(need.Usd * holds, need.Tokens * holds, need.Requests * holds));
    }

    /// <summary>Whether an instance last asked to give headroom back at <paramref name="askedAt"/> (if ever) still cools off at <paramref name="now"/>.</summary>
    public static bool CoolingOff(DateTimeOffset? askedAt, DateTimeOffset now) => askedAt is { } at && now - at < CoolOff;

    /// <summary>
    /// What one grant gives from what the period has <paramref name="left"/>: the shortfall in full when it is there,
    /// then at most half of the rest.
    /// </summary>
    public static Spend Grant(Spend shortfall, Spend extra, Spend left)
    {
        var first = Spend.Min(shortfall, left.AtLeastZero);
        var rest = (left - first).AtLeastZero;
        return first + Spend.Min(extra, new Spend(rest.Usd / 2, rest.Tokens / 2, rest.Requests / 2));
    }
}

namespace Gateway.Domain.Budgets;

/// <summary>Why a request found no room in a budget period once the other instances were asked to give back what they do not use.</summary>
public enum ShortageKind
{
    /// <summary>What is spent and held for requests in flight leaves less than the request needs: retrying before the reset cannot help.</summary>
    LimitReached,

    /// <summary>The room is there, leased by instances that did not give it back in time (or leased it again at once): a retry may find it.</summary>
    HeldElsewhere,
}

/// <summary>
/// The verdict on a grant that came back short after the holders were asked to give back: what the period has spent
/// (stored, or spent on an instance and not yet stored) and holds for requests in flight everywhere, as far as the
/// holders answered, and whether that leaves the request room.
/// </summary>
/// <param name="Free">The limit less <paramref name="Spent"/> and <paramref name="Held"/>: room an instance that did not answer may still hold unused.</param>
public sealed record HeadroomShortage(ShortageKind Kind, Spend Spent, Spend Held, Spend Free)
{
    /// <param name="limit">The budget's limit.</param>
    /// <param name="stored">The period's spend as the database has stored it.</param>
    /// <param name="need">The worst case of the request that found no room.</param>
    /// <param name="holders">
    /// Each instance's live lease on the period, with what it said is in use of it (null when it did not answer: all
    /// of its lease may be unused). A lease is read after the answer, so it may have shrunk since (spend stored: it is
    /// in <paramref name="stored"/> now) or grown (leased again: that part is not in use).
    /// </param>
    public static HeadroomShortage Judge(Spend limit, Spend stored, Spend need, IEnumerable<(Spend Lease, LeaseUse? Use)> holders)
    {
        var (spent, held) = (stored, Spend.Zero);
        foreach (var (lease, use) in holders)
        {
            if (use is not { } answered)
                continue;
            var inUse = Spend.Min(lease, answered.Held + answered.Unstored);
            // Stored spend left the lease first: what remains of it in use is the holds, then unstored spend.
            var holding = Spend.Min(answered.Held, inUse);
            held += holding;
            spent += inUse - holding;
        }

        var free = limit - spent - held;
        return new HeadroomShortage(free.Covers(need) ? ShortageKind.HeldElsewhere : ShortageKind.LimitReached, spent, held, free);
    }
}

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
    /// <param name="storedBefore">
    /// The period's stored spend, read before the holders were asked. What a holder had not stored when it answered was
    /// not stored then either, so nothing is counted twice; what was stored in between is counted nowhere, which can
    /// only make the verdict <see cref="ShortageKind.HeldElsewhere"/> where it might have been the limit.
    /// </param>
    /// <param name="need">The worst case of the request that found no room.</param>
    /// <param name="uses">What each instance that answered (and the asker itself) keeps in use of its lease.</param>
    public static HeadroomShortage Judge(Spend limit, Spend storedBefore, Spend need, IEnumerable<LeaseUse> uses)
    {
        var (spent, held) = (storedBefore, Spend.Zero);
        foreach (var use in uses)
        {
            spent += use.Unstored;
            held += use.Held;
        }

        var free = limit - spent - held;
        return new HeadroomShortage(free.Covers(need) ? ShortageKind.HeldElsewhere : ShortageKind.LimitReached, spent, held, free);
    }
}

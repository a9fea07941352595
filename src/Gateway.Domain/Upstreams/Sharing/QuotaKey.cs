namespace Gateway.Domain.Upstreams.Sharing;

/// <summary>Which limit a window counts against.</summary>
public enum QuotaDimension
{
    RequestsPerMinute,
    RequestsPerDay,
    TokensPerMinute,
}

/// <summary>One window that every instance of a deployment shares: whose limit, on what, and which limit.</summary>
/// <param name="Owner">A provider's name for its keys' quotas; <see cref="Callers"/> for virtual keys' own limits.</param>
/// <param name="Scope">The pool scope (<c>key:…</c> or <c>project:…</c>), or the virtual key's id.</param>
/// <param name="Group">The quota group (a model, or models sharing one quota); empty for virtual keys.</param>
public readonly record struct QuotaKey(string Owner, string Scope, string Group, QuotaDimension Dimension)
{
    /// <summary>The owner of virtual keys' limits. Provider names cannot take it: they are checked to be identifiers without a colon.</summary>
    public const string Callers = "caller:";

    /// <summary>Whether the window is a sliding minute (requests or tokens per minute) rather than a quota day.</summary>
    public bool PerMinute => Dimension != QuotaDimension.RequestsPerDay;

    public override string ToString() => $"{Owner}|{Scope}|{Group}|{Dimension}";
}

/// <summary>
/// What an instance asks the shared store for, in one transaction: close its own spent or stale grants of this window
/// (<paramref name="Closings"/>), record tokens it spent beyond what it was granted (<paramref name="Forced"/>), then grant
/// the <paramref name="Shortfall"/> and up to <paramref name="Extra"/> more of what the window has left under
/// <paramref name="Limit"/>, as <see cref="QuotaSizing.Grant"/> says.
/// </summary>
/// <param name="CountsUntil">Until when the new grant counts in the window (see <see cref="QuotaShares.UseWithin"/>).</param>
/// <param name="Need">What the request that asked takes from the window: a grant to another request may already cover it.</param>
public sealed record QuotaWant(
    QuotaKey Key, long Limit, long Shortfall, long Extra, long Forced, DateTimeOffset Now, DateTimeOffset CountsUntil, IReadOnlyList<QuotaClosing> Closings, long Need = 1);

/// <summary>A grant this instance is done with: what it did not use goes back, and it counts only until its last use left the window.</summary>
public sealed record QuotaClosing(long GrantId, long Unused, DateTimeOffset CountsUntil);

/// <summary>The store's answer to a <see cref="QuotaWant"/>.</summary>
/// <param name="GrantId">The row that records the grant; 0 when nothing was granted.</param>
/// <param name="FreeAt">When the earliest grant counted in the window stops counting: when to ask again after a refusal.</param>
/// <param name="HeldElsewhere">Units other instances hold in grants they have not closed: what a give-back could free.</param>
public sealed record QuotaGrant(long GrantId, long Units, DateTimeOffset? FreeAt, long HeldElsewhere);

/// <summary>Work for the store that no request waits for: grants to close, overspend to record.</summary>
public sealed record QuotaSettlement(QuotaKey Key, DateTimeOffset Now, long Forced, IReadOnlyList<QuotaClosing> Closings);

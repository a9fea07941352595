namespace Gateway.Domain.Upstreams;

/// <summary>
/// Amounts (requests, tokens) seen in the last sixty seconds; not thread-safe, callers lock. Amounts that come within
/// one <see cref="Slot"/> are kept as one entry that leaves the window sixty seconds after the last of them, so a key
/// serving thousands of requests a second keeps at most 600 entries (not one per request, which grew past the large
/// object heap's threshold and was copied on every growth), and an amount never leaves the window early: a limit
/// counts at least what a window of exact times would.
/// </summary>
public sealed class MinuteWindow
{
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(1);

    /// <summary>Amounts within this long of the first of them share an entry.</summary>
    public static readonly TimeSpan Slot = TimeSpan.FromMilliseconds(100);

    private readonly Queue<Entry> _entries = new();
    private Entry? _open;
    private long _sum;

    /// <summary>The entries kept, the open one included: at most one per <see cref="Slot"/> of the last minute, and one more.</summary>
    public int Entries => _entries.Count + (_open is null ? 0 : 1);

    public void Add(DateTimeOffset now, int amount)
    {
        // Rolled here too, not only when read: a window of a limit nobody reads (none is set) stays small.
        Roll(now);
        _sum += amount;
        if (_open is { } open && now < open.SlotStart + Slot)
        {
            _open = open with { Last = now > open.Last ? now : open.Last, Amount = open.Amount + amount };
            return;
        }

        if (_open is { } closed)
            _entries.Enqueue(closed);
        _open = new Entry(now, now, amount);
    }

    /// <summary>The total within the window ending at <paramref name="now"/>.</summary>
    public int Sum(DateTimeOffset now)
    {
        Roll(now);
        return (int)Math.Min(_sum, int.MaxValue);
    }

    /// <summary>When the oldest entry leaves the window: the earliest moment the total can fall.</summary>
    public DateTimeOffset? NextExpiry(DateTimeOffset now)
    {
        Roll(now);
        return _entries.Count > 0 ? _entries.Peek().Last + Length : _open?.Last + Length;
    }

    private void Roll(DateTimeOffset now)
    {
        while (_entries.Count > 0 && _entries.Peek().Last <= now - Length)
            _sum -= _entries.Dequeue().Amount;
        if (_entries.Count == 0 && _open is { } open && open.Last <= now - Length)
        {
            _sum -= open.Amount;
            _open = null;
        }
    }

    private readonly record struct Entry(DateTimeOffset SlotStart, DateTimeOffset Last, int Amount);
}

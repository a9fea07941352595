namespace Gateway.Domain.Upstreams;

/// <summary>Amounts (requests, tokens) seen in the last sixty seconds; not thread-safe, callers lock.</summary>
public sealed class MinuteWindow
{
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(1);
    private readonly Queue<(DateTimeOffset At, int Amount)> _entries = new();
    private long _sum;

    public void Add(DateTimeOffset now, int amount)
    {
        _entries.Enqueue((now, amount));
        _sum += amount;
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
        return _entries.Count == 0 ? null : _entries.Peek().At + Length;
    }

    private void Roll(DateTimeOffset now)
    {
        while (_entries.Count > 0 && _entries.Peek().At <= now - Length)
            _sum -= _entries.Dequeue().Amount;
    }
}

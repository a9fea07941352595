using Microsoft.Extensions.Time.Testing;

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>
/// A fake clock (<see cref="FakeTimeProvider"/>: time moves only when the test advances it, from the real
/// time it started at) that also tells when a timer of a given length is running. A test that waits for
/// the gateway to arm its timer before advancing past it never races the gateway.
/// </summary>
internal sealed class ObservedClock : TimeProvider
{
    private readonly FakeTimeProvider _fake = new(DateTimeOffset.UtcNow);
    private readonly Lock _lock = new();
    private readonly Dictionary<Timer, TimeSpan> _running = [];
    private readonly List<(TimeSpan Due, TaskCompletionSource Armed)> _waiting = [];

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    public override long GetTimestamp() => _fake.GetTimestamp();

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _fake.LocalTimeZone;

    /// <summary>Moves time on, firing every timer that falls due.</summary>
    public void Advance(TimeSpan by) => _fake.Advance(by);

    /// <summary>Completes once a timer set to fire <paramref name="due"/> after it was armed is running (at once if one is).</summary>
    public Task WhenArmedAsync(TimeSpan due)
    {
        lock (_lock)
        {
            if (_running.ContainsValue(due))
                return Task.CompletedTask;
            var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((due, armed));
            return armed.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this);
        // Fired timers stop counting as running: a one-shot timer is done once it fired.
        timer.Inner = _fake.CreateTimer(s => { timer.Fired(period); callback(s); }, state, dueTime, period);
        Changed(timer, dueTime);
        return timer;
    }

    private void Changed(Timer timer, TimeSpan due)
    {
        lock (_lock)
        {
            if (due == Timeout.InfiniteTimeSpan)
            {
                _running.Remove(timer);
                return;
            }

            _running[timer] = due;
            foreach (var waiter in _waiting.Where(w => w.Due == due).ToList())
            {
                _waiting.Remove(waiter);
                waiter.Armed.TrySetResult();
            }
        }
    }

    private sealed class Timer(ObservedClock clock) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public void Fired(TimeSpan period)
        {
            if (period == Timeout.InfiniteTimeSpan)
                clock.Changed(this, Timeout.InfiniteTimeSpan);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Changed(this, dueTime);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            clock.Changed(this, Timeout.InfiniteTimeSpan);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

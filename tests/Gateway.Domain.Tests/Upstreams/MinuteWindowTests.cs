using Gateway.Domain.Upstreams;

namespace Gateway.Domain.Tests.Upstreams;

public sealed class MinuteWindowTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Should_keep_amounts_of_one_slot_together_until_a_minute_after_the_last_of_them()
    {
        var window = new MinuteWindow();
        window.Add(Now, 1);
        window.Add(Now.AddMilliseconds(40), 2);
        window.Add(Now.AddMilliseconds(90), 3);

        Assert.Equal(6, window.Sum(Now.AddSeconds(60).AddMilliseconds(89)));
        Assert.Equal(Now.AddSeconds(60).AddMilliseconds(90), window.NextExpiry(Now.AddSeconds(60)));
        Assert.Equal(0, window.Sum(Now.AddSeconds(60).AddMilliseconds(90)));
    }

    [Fact]
    public void Should_keep_a_minute_of_entries_when_it_is_only_added_to()
    {
        // A window of a limit that is not set is added to and never read; a soak found it growing without end.
        var window = new MinuteWindow();
        for (var i = 0; i < 6000; i++)
            window.Add(Now.AddMilliseconds(100 * i), 1);

        Assert.InRange(window.Entries, 600, 601);
        Assert.Equal(600, window.Sum(Now.AddMilliseconds(100 * 5999)));
    }

    [Fact]
    public void Should_start_a_new_entry_a_slot_after_the_first_amount_of_the_last_one()
    {
        var window = new MinuteWindow();
        window.Add(Now, 1);
        window.Add(Now.AddMilliseconds(100), 2);

        Assert.Equal(Now.AddSeconds(60), window.NextExpiry(Now.AddSeconds(1)));
        Assert.Equal(2, window.Sum(Now.AddSeconds(60)));
        Assert.Equal(0, window.Sum(Now.AddSeconds(60).AddMilliseconds(100)));
    }

    [Fact]
    public void Should_count_every_amount_of_a_busy_minute_and_let_none_leave_early()
    {
        var window = new MinuteWindow();
        var last = Now;
        for (var i = 0; i < 240_000; i++)
        {
            last = Now.AddTicks(i * TimeSpan.TicksPerMillisecond / 4);
            window.Add(last, 1);
        }

        Assert.Equal(240_000, window.Sum(last));
        // Whatever came in the last slot is still counted a minute after the first of it.
        Assert.True(window.Sum(last.AddSeconds(60) - MinuteWindow.Slot) > 0);
        Assert.Equal(0, window.Sum(last.AddSeconds(60)));
    }

    [Fact]
    public void Should_take_an_amount_that_comes_with_an_earlier_clock_reading_into_the_open_slot()
    {
        var window = new MinuteWindow();
        window.Add(Now.AddMilliseconds(50), 1);
        window.Add(Now.AddMilliseconds(20), 1);

        Assert.Equal(2, window.Sum(Now.AddSeconds(60).AddMilliseconds(49)));
        Assert.Equal(0, window.Sum(Now.AddSeconds(60).AddMilliseconds(50)));
    }
}

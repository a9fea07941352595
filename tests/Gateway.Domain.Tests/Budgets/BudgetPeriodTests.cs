using Gateway.Domain.Budgets;

namespace Gateway.Domain.Tests.Budgets;

public sealed class BudgetPeriodTests
{
    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-11-22T12:00:00Z", "2026-11-01T00:00:00+01:00", "2026-12-01T00:00:00+01:00")]
    [InlineData("2026-03-31T21:59:59Z", "2026-03-01T00:00:00+01:00", "2026-04-01T00:00:00+02:00")]
    [InlineData("2026-03-31T22:00:00Z", "2026-04-01T00:00:00+02:00", "2026-05-01T00:00:00+02:00")]
    public void Should_start_calendar_months_at_local_midnight_across_daylight_saving(string now, string start, string reset)
    {
        var month = new BudgetPeriod(PeriodKind.Month, TimeZone: "Europe/Berlin");

        Assert.Equal(At(start), month.StartOf(At(now)));
        Assert.Equal(At(reset), month.NextReset(At(now)));
    }

    [Fact]
    public void Should_make_the_day_clocks_skip_23_hours_long()
    {
        var day = new BudgetPeriod(PeriodKind.Day, TimeZone: "America/Los_Angeles");
        var now = At("2026-03-08T12:00:00-07:00");

        Assert.Equal(TimeSpan.FromHours(23), day.NextReset(now) - day.StartOf(now));
    }

    [Fact]
    public void Should_start_weeks_on_monday_in_the_budgets_zone()
    {
        var week = new BudgetPeriod(PeriodKind.Week, TimeZone: "Asia/Tokyo");

        // Sunday 23:30 UTC is already Monday in Tokyo.
        Assert.Equal(At("2026-11-23T00:00:00+09:00"), week.StartOf(At("2026-11-22T23:30:00Z")));
        Assert.Equal(At("2026-11-16T00:00:00+09:00"), week.StartOf(At("2026-11-22T14:00:00Z")));
    }

    [Fact]
    public void Should_count_fixed_durations_from_the_anchor_and_never_reset_a_lifetime_budget()
    {
        var anchor = At("2026-11-01T10:00:00Z");
        var fortnight = new BudgetPeriod(PeriodKind.Duration, TimeSpan.FromDays(14), anchor);

        Assert.Equal(At("2026-11-15T10:00:00Z"), fortnight.StartOf(At("2026-11-22T12:00:00Z")));
        Assert.Equal(At("2026-11-29T10:00:00Z"), fortnight.NextReset(At("2026-11-22T12:00:00Z")));
        Assert.Null(BudgetPeriod.Lifetime.NextReset(At("2026-11-22T12:00:00Z")));
    }
}

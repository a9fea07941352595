using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Upstreams;

namespace Gateway.Domain.Tests.Upstreams;

public sealed class QuotaClockTests
{
    [Theory]
    // Standard time: midnight Pacific is 08:00 UTC.
    [InlineData("2026-01-15T20:00:00Z", "2026-01-16T08:00:00Z")]
    [InlineData("2026-01-16T07:59:59Z", "2026-01-16T08:00:00Z")]
    [InlineData("2026-01-16T08:00:00Z", "2026-01-17T08:00:00Z")]
    // Daylight saving time: midnight Pacific is 07:00 UTC.
    [InlineData("2026-07-01T06:59:00Z", "2026-07-01T07:00:00Z")]
    // Spring forward on 2026-03-08: the reset before the switch is still 08:00 UTC, the one after 07:00.
    [InlineData("2026-03-07T20:00:00Z", "2026-03-08T08:00:00Z")]
    [InlineData("2026-03-08T12:00:00Z", "2026-03-09T07:00:00Z")]
    // Fall back on 2026-11-01: that midnight is still daylight time, the next is standard.
    [InlineData("2026-10-31T12:00:00Z", "2026-11-01T07:00:00Z")]
    [InlineData("2026-11-01T12:00:00Z", "2026-11-02T08:00:00Z")]
    public void Should_reset_gemini_daily_quotas_at_midnight_pacific_across_daylight_saving(string now, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected), QuotaClock.NextDailyReset(GeminiApi.QuotaZone, DateTimeOffset.Parse(now)));

    [Fact]
    public void Should_reset_other_providers_at_midnight_utc()
    {
        var now = DateTimeOffset.Parse("2026-11-22T23:59:00Z");

        Assert.Equal(DateTimeOffset.Parse("2026-11-23T00:00:00Z"), QuotaClock.NextDailyReset(TimeZoneInfo.Utc, now));
    }

    [Fact]
    public void Should_count_a_gemini_day_in_pacific_time()
    {
        var lateEveningPacific = DateTimeOffset.Parse("2026-11-23T06:30:00Z");

        Assert.Equal(new DateOnly(2026, 11, 22), QuotaClock.QuotaDay(GeminiApi.QuotaZone, lateEveningPacific));
        Assert.Equal(new DateOnly(2026, 11, 23), QuotaClock.QuotaDay(TimeZoneInfo.Utc, lateEveningPacific));
    }
}

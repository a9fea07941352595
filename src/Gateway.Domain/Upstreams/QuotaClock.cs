namespace Gateway.Domain.Upstreams;

/// <summary>
/// When daily quotas start again: at midnight in the provider's quota zone, across daylight saving. Google resets
/// Gemini's requests-per-day at midnight Pacific time (<c>GeminiApi.QuotaZone</c>, so 07:00 or 08:00 UTC); the
/// others at midnight UTC. Each upstream protocol names its zone.
/// </summary>
public static class QuotaClock
{
    /// <summary>The first daily reset strictly after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextDailyReset(TimeZoneInfo zone, DateTimeOffset now)
    {
        if (zone == TimeZoneInfo.Utc)
            return new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        var midnight = TimeZoneInfo.ConvertTime(now, zone).Date.AddDays(1);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }

    /// <summary>Which quota day <paramref name="now"/> falls in, for keying daily counters.</summary>
    /// <remarks>UTC, most providers' zone, skips the conversion: the key pool asks on every request for every key it considers.</remarks>
    public static DateOnly QuotaDay(TimeZoneInfo zone, DateTimeOffset now) =>
        DateOnly.FromDateTime(zone == TimeZoneInfo.Utc ? now.UtcDateTime : TimeZoneInfo.ConvertTime(now, zone).DateTime);
}

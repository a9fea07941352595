namespace Gateway.Domain.Upstreams;

/// <summary>
/// When daily quotas start again. Google resets Gemini's requests-per-day at midnight Pacific time
/// (America/Los_Angeles, so 07:00 or 08:00 UTC depending on daylight saving); others at midnight UTC.
/// </summary>
public static class QuotaClock
{
    private static readonly TimeZoneInfo Pacific = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    /// <summary>The first daily reset strictly after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextDailyReset(ProviderKind kind, DateTimeOffset now)
    {
        if (kind != ProviderKind.Gemini)
            return new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        var local = TimeZoneInfo.ConvertTime(now, Pacific);
        var midnight = local.Date.AddDays(1);
        return new DateTimeOffset(midnight, Pacific.GetUtcOffset(midnight));
    }

    /// <summary>Which quota day <paramref name="now"/> falls in, for keying daily counters.</summary>
    public static DateOnly QuotaDay(ProviderKind kind, DateTimeOffset now) =>
        DateOnly.FromDateTime(kind == ProviderKind.Gemini ? TimeZoneInfo.ConvertTime(now, Pacific).DateTime : now.UtcDateTime);
}

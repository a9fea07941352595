namespace Gateway.Domain.Budgets;

public enum PeriodKind
{
    /// <summary>Never resets: a lifetime allowance.</summary>
    None,

    /// <summary>Every <see cref="BudgetPeriod.Length"/>, counted from <see cref="BudgetPeriod.Anchor"/>.</summary>
    Duration,

    /// <summary>Calendar days, weeks (from Monday) or months in <see cref="BudgetPeriod.TimeZone"/>.</summary>
    Day,
    Week,
    Month,
}

/// <summary>
/// When a budget's spend starts afresh. Calendar periods follow the wall clock of a time zone, so a
/// month in Europe/Berlin starts at local midnight on the 1st whatever daylight saving does.
/// </summary>
public sealed record BudgetPeriod(PeriodKind Kind, TimeSpan? Length = null, DateTimeOffset? Anchor = null, string TimeZone = "UTC")
{
    public static BudgetPeriod Lifetime { get; } = new(PeriodKind.None);

    /// <summary>The start of the period holding <paramref name="at"/> (the key its spend is counted under).</summary>
    public DateTimeOffset StartOf(DateTimeOffset at)
    {
        switch (Kind)
        {
            case PeriodKind.None:
                return DateTimeOffset.UnixEpoch;
            case PeriodKind.Duration:
                var anchor = Anchor ?? DateTimeOffset.UnixEpoch;
                var length = Length!.Value.Ticks;
                var elapsed = (at - anchor).Ticks;
                var index = elapsed >= 0 ? elapsed / length : ((elapsed + 1) / length) - 1;
                return anchor + TimeSpan.FromTicks(index * length);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        var startDate = Kind switch
        {
            PeriodKind.Day => local.Date,
            PeriodKind.Week => local.Date.AddDays(-(((int)local.DayOfWeek + 6) % 7)),
            _ => new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified),
        };
        return AtLocalMidnight(DateOnly.FromDateTime(startDate), zone);
    }

    /// <summary>When the period holding <paramref name="at"/> ends and spend starts afresh; null: never.</summary>
    public DateTimeOffset? NextReset(DateTimeOffset at)
    {
        var start = StartOf(at);
        if (Kind == PeriodKind.None)
            return null;
        if (Kind == PeriodKind.Duration)
            return start + Length!.Value;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var startDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, zone).DateTime);
        var next = Kind switch
        {
            PeriodKind.Day => startDate.AddDays(1),
            PeriodKind.Week => startDate.AddDays(7),
            _ => startDate.AddMonths(1),
        };
        return AtLocalMidnight(next, zone);
    }

    /// <summary>The first instant of a local date: midnight, or the end of a gap when the clocks skip midnight.</summary>
    private static DateTimeOffset AtLocalMidnight(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(15);
        // An ambiguous midnight (clocks fall back across it) takes its first occurrence: the larger offset.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        // In UTC: the instant is what matters, and it is stored and compared as such.
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}

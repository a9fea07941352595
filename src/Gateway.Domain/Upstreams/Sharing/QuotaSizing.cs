namespace Gateway.Domain.Upstreams.Sharing;

/// <summary>
/// How much of a shared window one grant gives. The asker gets what it lacks, then at most half of what is left beyond
/// it, so another instance asking next still finds room while there is some; nothing is granted beyond the limit, except
/// that a window nobody has touched admits one request however many tokens it estimates (as a single instance does:
/// a limit below one request's size would otherwise refuse it forever).
/// </summary>
public static class QuotaSizing
{
    /// <param name="counted">What the window already counts: every live grant of every instance.</param>
    /// <param name="forced">Spent already beyond earlier grants: recorded whatever is left.</param>
    /// <returns>The units to grant, <paramref name="forced"/> included; only <paramref name="forced"/> when the shortfall does not fit.</returns>
    public static long Grant(long limit, long counted, long shortfall, long extra, long forced)
    {
        var left = Math.Max(0, limit - counted - forced);
        if (shortfall > left)
            return counted == 0 && forced == 0 ? shortfall : forced;
        var rest = left - shortfall;
        return forced + shortfall + Math.Min(Math.Max(0, extra), rest / 2);
    }
}

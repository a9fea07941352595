namespace Gateway.Host.Features.Usage;

/// <summary>
/// What a batch adds to <c>usage_daily</c>, summed in memory: one row per UTC day and (organisation,
/// user, key, provider, model) of the batch, however many records share it. '' stands for none, as in the table.
/// </summary>
internal static class UsageDailyTotals
{
    internal readonly record struct Group(DateOnly Day, string OrgId, string UserId, string KeyId, string Provider, string Model);

    internal sealed class Totals
    {
        public long Requests;
        public long Errors;
        public long PromptTokens;
        public long CompletionTokens;
        public long CachedTokens;
        public long CacheWrite5mTokens;
        public long CacheWrite1hTokens;
        public decimal Cost;
        public decimal InputCost;
        public decimal CacheReadCost;
        public decimal CacheWrite5mCost;
        public decimal CacheWrite1hCost;
        public decimal OutputCost;
    }

    /// <summary>
    /// One fixed order, so two instances' writers upsert shared rows in the same order and queue
    /// instead of deadlocking.
    /// </summary>
    private static readonly Comparer<Group> Order = Comparer<Group>.Create((a, b) =>
    {
        var c = a.Day.CompareTo(b.Day);
        if (c == 0)
            c = string.CompareOrdinal(a.OrgId, b.OrgId);
        if (c == 0)
            c = string.CompareOrdinal(a.UserId, b.UserId);
        if (c == 0)
            c = string.CompareOrdinal(a.KeyId, b.KeyId);
        if (c == 0)
            c = string.CompareOrdinal(a.Provider, b.Provider);
        return c == 0 ? string.CompareOrdinal(a.Model, b.Model) : c;
    });

    public static SortedDictionary<Group, Totals> Of(IEnumerable<InferenceRecord> records)
    {
        var groups = new SortedDictionary<Group, Totals>(Order);
        foreach (var r in records)
        {
            var group = new Group(
                DateOnly.FromDateTime(r.StartedAt.UtcDateTime), r.OrgId ?? "", r.UserId ?? "", r.KeyId ?? "", r.Provider ?? "", r.UpstreamModel ?? "");
            if (!groups.TryGetValue(group, out var t))
                groups[group] = t = new Totals();
            t.Requests++;
            t.Errors += r.Status >= 400 ? 1 : 0;
            t.PromptTokens += r.PromptTokens;
            t.CompletionTokens += r.CompletionTokens;
            t.CachedTokens += r.CachedTokens;
            t.CacheWrite5mTokens += r.CacheWrite5mTokens;
            t.CacheWrite1hTokens += r.CacheWrite1hTokens;
            t.Cost += Stored(r.Cost) ?? 0;
            t.InputCost += Stored(r.CostSplit?.Input) ?? 0;
            t.CacheReadCost += Stored(r.CostSplit?.CacheRead) ?? 0;
            t.CacheWrite5mCost += Stored(r.CostSplit?.CacheWrite5m) ?? 0;
            t.CacheWrite1hCost += Stored(r.CostSplit?.CacheWrite1h) ?? 0;
            t.OutputCost += Stored(r.CostSplit?.Output) ?? 0;
        }

        return groups;
    }

    /// <summary>
    /// A cost as usage_records stores it (numeric(20, 10), rounded half away from zero, as PostgreSQL
    /// rounds): the day's total is then the sum of the stored rows to the last digit.
    /// </summary>
    public static decimal? Stored(decimal? cost) => cost is { } c ? Math.Round(c, 10, MidpointRounding.AwayFromZero) : null;
}

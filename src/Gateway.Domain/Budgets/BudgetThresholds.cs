namespace Gateway.Domain.Budgets;

/// <summary>
/// When a budget's spend calls for an alert: at its soft threshold (<c>alert_at_percent</c>) and at
/// its limit, each at most once a period. A limit is reached by any of its quantities: dollars,
/// tokens or requests, whichever is furthest along.
/// </summary>
public static class BudgetThresholds
{
    /// <summary>The limit itself, alerted whether or not a soft threshold is set.</summary>
    public const int Limit = 100;

    /// <summary>How far along the period's spend is, in percent of the nearest limit (may pass 100 in alert-only mode).</summary>
    public static decimal PercentUsed(Budget budget, Spend spent)
    {
        var share = budget.LimitUsd > 0 ? spent.Usd / budget.LimitUsd : 0m;
        if (budget.MaxTokens is > 0 and var tokens)
            share = Math.Max(share, (decimal)spent.Tokens / tokens);
        if (budget.MaxRequests is > 0 and var requests)
            share = Math.Max(share, (decimal)spent.Requests / requests);
        return share * 100m;
    }

    /// <summary>
    /// The highest alert level the spend has reached that has not been raised this period yet, or null.
    /// Levels only rise: once the limit alert is out, the soft threshold is not raised after it.
    /// </summary>
    /// <param name="alreadyRaised">The highest level raised so far this period, if any.</param>
    public static int? Due(Budget budget, Spend spent, int? alreadyRaised)
    {
        var used = PercentUsed(budget, spent);
        int? due = null;
        foreach (var level in Levels(budget))
        {
            if (used >= level && level > (alreadyRaised ?? 0))
                due = level;
        }

        return due;
    }

    private static IEnumerable<int> Levels(Budget budget)
    {
        if (budget.AlertAtPercent is { } soft and < Limit)
            yield return soft;
        yield return Limit;
    }
}

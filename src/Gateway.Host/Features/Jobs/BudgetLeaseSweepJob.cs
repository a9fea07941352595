using Gateway.Domain.Budgets;
using Gateway.Host.Features.Budgets;
using Quartz;

namespace Gateway.Host.Features.Jobs;

/// <summary>
/// Clears the leases budget admission leaves behind. Budget periods themselves need no reset job:
/// spend is kept per period start, so a new period is a new row that starts at zero the moment
/// the first request of it is admitted.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class BudgetLeaseSweepJob(BudgetLeases leases, BudgetStore budgets, TimeProvider time) : IJob
{
    public const string Name = "budget_lease_sweep";

    /// <summary>
    /// How far the instances' clocks may differ: one a little behind still admits into the period
    /// that just ended (and one a little ahead into the next), so only leases of periods that ended
    /// at least this long ago are taken.
    /// </summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var deleted = await leases.SweepAsync(
            (budgetId, start) => budgets.Find(budgetId) is { } b && Ended(b.Budget.Period, start, now), cancellationToken);
        context.Result = $"deleted {deleted} budget leases";
    }

    /// <summary>Whether the period that began at <paramref name="start"/> (as stored) ended at least <see cref="ClockSkew"/> ago.</summary>
    internal static bool Ended(BudgetPeriod period, DateTimeOffset start, DateTimeOffset now)
    {
        // Stored starts have microseconds, computed ones ticks (a duration period counts from its
        // creation instant): compared unrounded, the current period's lease would look older than its period.
        var current = period.StartOf(now - ClockSkew);
        return start < current.AddTicks(-(current.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}

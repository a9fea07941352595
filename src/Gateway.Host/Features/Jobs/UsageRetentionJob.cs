using System.Globalization;
using Gateway.Host.Features.Usage;
using Quartz;

namespace Gateway.Host.Features.Jobs;

/// <summary>
/// Removes usage records older than <c>usage_retention_days</c>, dropping whole day partitions where it
/// can; <c>usage_daily</c> keeps their totals.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class UsageRetentionJob(UsageRetention retention, JobSettings settings, TimeProvider time) : IJob
{
    public const string Name = "usage_retention";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().AddDays(-settings.UsageRetentionDays);
        var outcome = await retention.RemoveOlderThanAsync(cutoff, UsageRetention.BatchSize, cancellationToken);
        context.Result = $"deleted {outcome.Deleted} usage records from before {cutoff:yyyy-MM-ddTHH:mm:ssZ} in {outcome.Batches} batches"
            + $" and dropped {outcome.Dropped.Count} day partitions{Days(outcome.Dropped)}"
            + (outcome.Kept.Count == 0 ? "" : $"; {outcome.Kept.Count} left for the next run, the table being busy{Days(outcome.Kept)}");
    }

    private static string Days(IReadOnlyList<DateOnly> days) => days.Count == 0
        ? ""
        : string.Create(CultureInfo.InvariantCulture, $" ({days[0]:yyyy-MM-dd}{(days.Count > 1 ? $" to {days[^1]:yyyy-MM-dd}" : "")})");
}

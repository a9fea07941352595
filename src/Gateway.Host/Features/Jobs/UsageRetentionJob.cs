using Gateway.Host.Features.Usage;
using Quartz;

namespace Gateway.Host.Features.Jobs;

/// <summary>Deletes usage records older than <c>usage_retention_days</c>; <c>usage_daily</c> keeps their totals.</summary>
[DisallowConcurrentExecution]
internal sealed class UsageRetentionJob(UsageRetention retention, JobSettings settings, TimeProvider time) : IJob
{
    public const string Name = "usage_retention";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().AddDays(-settings.UsageRetentionDays);
        var (deleted, batches) = await retention.DeleteOlderThanAsync(cutoff, UsageRetention.BatchSize, cancellationToken);
        context.Result = $"deleted {deleted} usage records from before {cutoff:yyyy-MM-ddTHH:mm:ssZ} in {batches} batches";
    }
}

using Gateway.Host.Features.StoredResponses;
using Quartz;

namespace Gateway.Host.Features.Jobs;

/// <summary>Removes stored Responses API answers older than <c>responses_retention_days</c>.</summary>
[DisallowConcurrentExecution]
internal sealed class ResponsesRetentionJob(ResponsesRetention retention, JobSettings settings, TimeProvider time) : IJob
{
    public const string Name = "responses_retention";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().AddDays(-settings.ResponsesRetentionDays);
        var outcome = await retention.RemoveOlderThanAsync(cutoff, ResponsesRetention.BatchSize, cancellationToken);
        context.Result = $"deleted {outcome.Deleted} stored responses from before {cutoff:yyyy-MM-ddTHH:mm:ssZ} in {outcome.Batches} batches";
    }
}

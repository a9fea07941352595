using Gateway.Host.Features.Usage;
using Quartz;

namespace Gateway.Host.Features.Jobs;

/// <summary>
/// Keeps the day partitions of usage_records ahead of the clock (today and the days after it); the
/// gateway makes them at start too, and a row whose day has none waits in the default partition.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class UsagePartitionsJob(UsagePartitions partitions) : IJob
{
    public const string Name = "usage_partitions";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var today = partitions.Today();
        var created = await partitions.CreateAheadAsync(today, cancellationToken);
        context.Result = created.Count == 0
            ? $"every day partition to {today.AddDays(UsagePartitions.DaysAhead):yyyy-MM-dd} was there"
            : $"created {created.Count} day partitions: {string.Join(", ", created.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))}";
    }
}

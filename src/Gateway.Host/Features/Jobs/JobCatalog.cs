namespace Gateway.Host.Features.Jobs;

/// <summary>A background job the cluster runs once per schedule, on whichever instance takes it first.</summary>
/// <param name="Name">Its key in Quartz, in <c>jobs:</c> of the config file and in <c>GET /v1/jobs</c>.</param>
/// <param name="DefaultSchedule">Quartz cron, seconds first, in UTC.</param>
internal sealed record JobDefinition(string Name, Type Type, string Description, string DefaultSchedule);

internal static class JobCatalog
{
    /// <summary>The Quartz group of every gateway job.</summary>
    public const string Group = "gateway";

    public static IReadOnlyList<JobDefinition> All { get; } =
    [
        new(BudgetLeaseSweepJob.Name, typeof(BudgetLeaseSweepJob),
            "Deletes budget leases that hold nothing usable: lapsed ones (a crashed instance's), those of removed budgets and those of periods that have ended.",
            "0 * * * * ?"),
        new(KeyExpiryJob.Name, typeof(KeyExpiryJob),
            "Records a key.expired event in the audit log, once, for each virtual key whose expiry has passed.",
            "30 * * * * ?"),
        new(UsageRetentionJob.Name, typeof(UsageRetentionJob),
            "Deletes usage records older than usage_retention_days: whole day partitions, and the rows of the day the cutoff falls in in small batches; the daily aggregates are kept.",
            "0 17 * * * ?"),
        new(UsagePartitionsJob.Name, typeof(UsagePartitionsJob),
            "Creates the day partitions of usage records for today and the next days, and moves into them any of their rows the default partition took.",
            "0 7 * * * ?"),
        new(ResponsesRetentionJob.Name, typeof(ResponsesRetentionJob),
            "Deletes stored Responses API answers older than responses_retention_days, in small batches.",
            "0 37 * * * ?"),
    ];
}

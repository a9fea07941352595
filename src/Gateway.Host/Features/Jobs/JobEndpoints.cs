using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Http;
using Quartz;

namespace Gateway.Host.Features.Jobs;

/// <summary><c>GET /v1/jobs</c> (platform admin): each background job's schedule, last run and next run, cluster-wide.</summary>
internal static class JobEndpoints
{
    /// <param name="Schedule">Quartz cron expression, seconds first (<c>jobs:</c> in the config file).</param>
    /// <param name="TimeZone">The zone the schedule is read in.</param>
    /// <param name="NextRunAt">When it fires next, on whichever instance takes it; null when it is not scheduled.</param>
    /// <param name="LastRun">Null until it has run.</param>
    internal sealed record JobResponse(
        string Name, string Description, string? Schedule, string? TimeZone, DateTimeOffset? NextRunAt, JobRunResponse? LastRun)
    {
        public static JobResponse Example { get; } = new(
            UsageRetentionJob.Name, JobCatalog.All.Single(j => j.Name == UsageRetentionJob.Name).Description, "0 17 * * * ?", "UTC",
            new DateTimeOffset(2026, 11, 22, 10, 17, 0, TimeSpan.Zero),
            new JobRunResponse(
                new DateTimeOffset(2026, 11, 22, 9, 17, 0, 12, TimeSpan.Zero), new DateTimeOffset(2026, 11, 22, 9, 17, 0, TimeSpan.Zero), 184.6, "ok",
                "deleted 12840 usage records from before 2026-10-23T09:17:00Z in 3 batches and dropped 1 day partitions (2026-10-22)", null, "gw-host-1-3f9c2a71b0de"));
    }

    /// <param name="Result">ok or failed.</param>
    /// <param name="Summary">What the run did, e.g. <c>deleted 120 usage records ...</c>.</param>
    /// <param name="Error">Why it failed: the exception's type and message.</param>
    /// <param name="InstanceId">The gateway instance (Quartz node) that ran it.</param>
    internal sealed record JobRunResponse(
        DateTimeOffset StartedAt, DateTimeOffset? ScheduledAt, double DurationMs, string Result, string? Summary, string? Error, string InstanceId);

    public static void MapJobs(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/jobs", ListAsync).WithTags("Jobs").WithName("listJobs")
            .WithSummary("Background jobs with their schedule, last run and next run (platform admin)")
            .Produces<List<JobResponse>>().WithManagementProblems();

    private static async Task<IResult> ListAsync(HttpContext context, ISchedulerFactory schedulers, JobRunRecorder runs, CancellationToken ct)
    {
        if (Problems.Deny(Access.Operate(context.Principal(), null), "job", "see background jobs") is { } denied)
            return denied;
        var scheduler = await schedulers.GetScheduler(ct);
        var last = await runs.LastRunsAsync(ct);
        var jobs = new List<JobResponse>(JobCatalog.All.Count);
        foreach (var job in JobCatalog.All)
        {
            // Read from the shared tables: the schedule in force is the one the cluster stored, whichever instance stored it.
            var trigger = await scheduler.GetTrigger(new TriggerKey(job.Name, JobCatalog.Group), ct) as ICronTrigger;
            jobs.Add(new JobResponse(
                job.Name, job.Description, trigger?.CronExpressionString, trigger?.TimeZone.Id, trigger?.NextFireTimeUtc,
                last.TryGetValue(job.Name, out var run) ? Response(run) : null));
        }

        return TypedResults.Ok(jobs);
    }

    private static JobRunResponse Response(JobRunRecorder.Run run) =>
        new(run.StartedAt, run.ScheduledAt, run.DurationMs, run.Succeeded ? "ok" : "failed", run.Summary, run.Error, run.InstanceId);
}

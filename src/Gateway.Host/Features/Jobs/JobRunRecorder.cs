using Npgsql;
using Quartz;

namespace Gateway.Host.Features.Jobs;

/// <summary>
/// Writes every run of a gateway job to <c>job_runs</c> (its outcome, what it did, which instance
/// ran it), keeping the last <see cref="Kept"/> per job, for <c>GET /v1/jobs</c>.
/// </summary>
internal sealed partial class JobRunRecorder(NpgsqlDataSource dataSource, ILogger<JobRunRecorder> logger) : IJobListener
{
    public const int Kept = 100;

    /// <summary>An error is shown to operators: long enough to act on, short enough for a table cell.</summary>
    private const int MaxErrorLength = 500;

    public string Name => nameof(JobRunRecorder);

    internal sealed record Run(
        string Job, string InstanceId, DateTimeOffset? ScheduledAt, DateTimeOffset StartedAt, double DurationMs, bool Succeeded, string? Summary, string? Error);

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        var job = context.JobDetail.Key.Name;
        string? error = null;
        if (jobException is not null)
        {
            // Quartz wraps what a job threw (twice, in 4.7); the cause is what an operator needs to read.
            error = Describe(jobException.GetBaseException());
            LogFailed(jobException, job);
        }

        try
        {
            await using var batch = dataSource.CreateBatch();
            var insert = new NpgsqlBatchCommand("""
                insert into job_runs (job, instance_id, scheduled_at, started_at, duration_ms, succeeded, summary, error)
                values ($1, $2, $3, $4, $5, $6, $7, $8)
                """);
            foreach (var value in new object?[]
                     {
                         job, context.Scheduler.SchedulerInstanceId, context.ScheduledFireTimeUtc?.ToUniversalTime(), context.FireTimeUtc.ToUniversalTime(),
                         context.JobRunTime.TotalMilliseconds, error is null, context.Result as string, error,
                     })
                insert.Parameters.Add(new() { Value = value ?? DBNull.Value });
            batch.BatchCommands.Add(insert);
            var prune = new NpgsqlBatchCommand(
                "delete from job_runs where job = $1 and id <= (select id from job_runs where job = $1 order by id desc offset $2 limit 1)");
            prune.Parameters.Add(new() { Value = job });
            prune.Parameters.Add(new() { Value = Kept });
            batch.BatchCommands.Add(prune);
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            LogNotRecorded(e, job);
        }
    }

    /// <summary>The newest run of each job.</summary>
    public async Task<Dictionary<string, Run>> LastRunsAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select distinct on (job) job, instance_id, scheduled_at, started_at, duration_ms, succeeded, summary, error
            from job_runs order by job, id desc
            """);
        var runs = new Dictionary<string, Run>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            runs[r.GetString(0)] = new Run(
                r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2), r.GetFieldValue<DateTimeOffset>(3),
                r.GetDouble(4), r.GetBoolean(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7));
        }

        return runs;
    }

    private static string Describe(Exception e)
    {
        var text = $"{e.GetType().Name}: {e.Message}";
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job} failed")]
    private partial void LogFailed(Exception exception, string job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The run of job {Job} could not be recorded in job_runs")]
    private partial void LogNotRecorded(Exception exception, string job);
}

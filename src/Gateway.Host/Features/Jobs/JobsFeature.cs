using Gateway.Host.Features.Usage;
using Npgsql;
using Quartz;

namespace Gateway.Host.Features.Jobs;

/// <summary>
/// The Quartz scheduler of one gateway instance, a node of a cluster formed by every instance on the
/// same schema: the qrtz_ tables (migration 0002) hold one schedule, and each firing runs on exactly
/// one node. Quartz reaches the tables through the gateway's own data source, whose search path is
/// the gateway's schema, so deployments sharing a database in different schemas never see each other's jobs.
/// </summary>
internal static class JobsFeature
{
    public static void AddJobsFeature(this WebApplicationBuilder builder)
    {
        var settings = JobSettings.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<UsageRetention>();
        builder.Services.AddSingleton<JobRunRecorder>();
        builder.Services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "gateway";
                // Unique per process: a node that restarts is a new node, and the cluster recovers
                // what the old one had in flight once its check-ins stop.
                o.InstanceId = $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..12]}";
            });
            q.UseDefaultThreadPool(JobCatalog.All.Count);
            q.UsePersistentStore(store =>
            {
                store.ConfigureStore(o => o.StoreJobDataAsStrings = true);
                store.UseClustering();
                store.UsePostgres(o => o.DataSourceFactory = sp => sp.GetRequiredService<NpgsqlDataSource>());
                store.UseSystemTextJsonSerializer();
            });
            foreach (var job in JobCatalog.All)
            {
                q.AddJob(job.Type, j => j.WithIdentity(job.Name, JobCatalog.Group).WithDescription(job.Description));
                q.AddTrigger(t => t.ForJob(job.Name, JobCatalog.Group).WithIdentity(job.Name, JobCatalog.Group)
                    .WithCronSchedule(settings.Schedules[job.Name], c => c.InTimeZone(TimeZoneInfo.Utc)));
            }

            q.AddJobListener(sp => sp.GetRequiredService<JobRunRecorder>());
        });
        // Registered after every store the jobs read, so it stops first: no job runs against a store that has stopped.
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
    }

    public static void MapJobsFeature(this IEndpointRouteBuilder app) => app.MapJobs();
}

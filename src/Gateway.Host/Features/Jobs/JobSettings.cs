using System.Globalization;
using Gateway.Host.Hosting;
using Quartz;

namespace Gateway.Host.Features.Jobs;

/// <summary>
/// The config file's <c>usage_retention_days</c>, <c>responses_retention_days</c> and <c>jobs:</c> schedules,
/// checked at start: a mistake stops the gateway with a line naming the field.
/// </summary>
/// <param name="Schedules">Quartz cron expression (seconds first) per job name; every job has one.</param>
internal sealed record JobSettings(int UsageRetentionDays, int ResponsesRetentionDays, IReadOnlyDictionary<string, string> Schedules)
{
    public const int DefaultUsageRetentionDays = 30;

    public const int DefaultResponsesRetentionDays = 30;

    public static JobSettings FromConfiguration(IConfiguration configuration)
    {
        var usageDays = RetentionDays(configuration, "usage_retention_days", DefaultUsageRetentionDays);
        var responsesDays = RetentionDays(configuration, "responses_retention_days", DefaultResponsesRetentionDays);

        var schedules = JobCatalog.All.ToDictionary(j => j.Name, j => j.DefaultSchedule, StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection("jobs").GetChildren())
        {
            if (!schedules.ContainsKey(entry.Key))
                throw new SettingsException($"jobs.{entry.Key} is not a job; the jobs are {string.Join(", ", schedules.Keys)}");
            if (!CronExpression.TryParse(entry.Value ?? "", out _))
                throw new SettingsException($"jobs.{entry.Key} '{entry.Value}' is not a Quartz cron expression (seconds first, e.g. \"0 */5 * * * ?\")");
            schedules[entry.Key] = entry.Value!;
        }

        return new JobSettings(usageDays, responsesDays, schedules);
    }

    private static int RetentionDays(IConfiguration configuration, string key, int fallback)
    {
        if (configuration[key] is not { } text)
            return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > 36500)
            throw new SettingsException($"{key} must be a whole number of days from 1 to 36500, not '{text}'");
        return days;
    }
}

using Gateway.Host.Features.Jobs;
using Gateway.Host.Hosting;
using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary><c>usage_retention_days</c>, <c>responses_retention_days</c> and <c>jobs:</c> of the config file: defaults, overrides, and one clear line per mistake.</summary>
public sealed class JobSettingsTests
{
    private static JobSettings Read(params (string Key, string Value)[] values) =>
        JobSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void Should_keep_usage_records_and_stored_responses_30_days_and_run_each_job_on_its_default_schedule_when_nothing_is_configured()
    {
        var settings = Read();

        Assert.Equal((30, 30), (settings.UsageRetentionDays, settings.ResponsesRetentionDays));
        Assert.Equal(JobCatalog.All.ToDictionary(j => j.Name, j => j.DefaultSchedule), settings.Schedules);
    }

    [Fact]
    public void Should_take_the_retention_and_the_schedules_the_config_file_gives()
    {
        var settings = Read(("usage_retention_days", "90"), ("responses_retention_days", "7"), ("jobs:usage_retention", "0 0 3 * * ?"));

        Assert.Equal((90, 7), (settings.UsageRetentionDays, settings.ResponsesRetentionDays));
        Assert.Equal("0 0 3 * * ?", settings.Schedules[UsageRetentionJob.Name]);
        Assert.Equal("0 * * * * ?", settings.Schedules[BudgetLeaseSweepJob.Name]);
    }

    [Theory]
    [InlineData("usage_retention_days", "0", "usage_retention_days must be a whole number of days from 1 to 36500, not '0'")]
    [InlineData("usage_retention_days", "thirty", "usage_retention_days must be a whole number of days from 1 to 36500, not 'thirty'")]
    [InlineData("responses_retention_days", "36501", "responses_retention_days must be a whole number of days from 1 to 36500, not '36501'")]
    [InlineData("responses_retention_days", "1.5", "responses_retention_days must be a whole number of days from 1 to 36500, not '1.5'")]
    [InlineData("jobs:key_expiry", "every minute", "jobs.key_expiry 'every minute' is not a Quartz cron expression (seconds first, e.g. \"0 */5 * * * ?\")")]
    [InlineData("jobs:discovery", "0 * * * * ?", "jobs.discovery is not a job; the jobs are budget_lease_sweep, key_expiry, usage_retention, usage_partitions, responses_retention")]
    public void Should_refuse_a_mistake_with_a_line_naming_the_field(string key, string value, string message) =>
        Assert.Equal(message, Assert.Throws<SettingsException>(() => Read((key, value))).Message);
}

using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary>Short schedules and the runs they leave, for tests of the background jobs.</summary>
internal static class JobTestKit
{
    /// <summary>Quartz cron for "every second".</summary>
    public const string EverySecond = "* * * * * ?";

    /// <summary>A schedule that never comes due while a test runs (midnight, 1 January 2099).</summary>
    public const string Never = "0 0 0 1 1 ? 2099";

    /// <summary>Config (as the YAML file would give it) setting the schedule of each job named.</summary>
    public static Dictionary<string, string?> Schedules(params (string Job, string Cron)[] schedules) =>
        schedules.ToDictionary(s => $"jobs:{s.Job}", s => (string?)s.Cron);

    public static Task<long> RunsAsync(TestDatabase db, string job) =>
        db.ScalarAsync<long>($"select count(*) from job_runs where job = '{job}'");

    /// <summary>Waits until <paramref name="job"/> has recorded at least <paramref name="count"/> runs; returns how many it has.</summary>
    public static Task<long> WaitForRunsAsync(TestDatabase db, string job, long count, TimeSpan? within = null) =>
        Eventually.Until(() => RunsAsync(db, job), runs => runs >= count, $"{count} runs of {job}", within);

    /// <summary>A date and time of a JSON answer.</summary>
    public static DateTimeOffset Time(JsonNode? node) => DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture);

    /// <summary>GET /v1/jobs as the platform admin, by job name.</summary>
    public static async Task<Dictionary<string, JsonObject>> JobsAsync(TenancyApi admin)
    {
        var response = await admin.SendAsync(HttpMethod.Get, "/v1/jobs");
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET /v1/jobs: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsArray().Select(j => j!.AsObject()).ToDictionary(j => (string)j["name"]!);
    }
}

using System.Globalization;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary>Short schedules and bounded waits for tests of the background jobs.</summary>
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

    /// <summary>Polls until <paramref name="job"/> has recorded at least <paramref name="count"/> runs, failing after <paramref name="timeout"/>.</summary>
    public static async Task<long> WaitForRunsAsync(TestDatabase db, string job, long count, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        long runs;
        while ((runs = await RunsAsync(db, job)) < count)
        {
            Assert.True(clock.Elapsed < limit, $"{job} ran {runs} times in {limit.TotalSeconds:0} s, expected at least {count}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        return runs;
    }

    /// <summary>Polls until <paramref name="done"/> holds, failing with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> done, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < limit, $"{what}: not after {limit.TotalSeconds:0} s");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

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

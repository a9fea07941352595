using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Features.Jobs;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Jobs.JobTestKit;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary><c>GET /v1/jobs</c>: every job with its schedule, next run and last run, for the platform admin only.</summary>
public sealed class JobEndpointTests(PostgresFixture postgres) : JobsTestBase(postgres)
{
    private Task<GatewayServer> StartAsync() =>
        StartAsync(Schedules((UsageRetentionJob.Name, EverySecond), (BudgetLeaseSweepJob.Name, Never)));

    [Fact]
    public async Task Should_list_every_job_with_its_schedule_next_run_and_last_run()
    {
        using var admin = TenancyApi.Admin(await StartAsync());
        var before = Clock.GetUtcNow();
        await TickAsync(UsageRetentionJob.Name, 1);
        var jobs = await JobsAsync(admin);
        var now = Clock.GetUtcNow();

        Assert.Equal([BudgetLeaseSweepJob.Name, KeyExpiryJob.Name, UsageRetentionJob.Name, UsagePartitionsJob.Name, ResponsesRetentionJob.Name], jobs.Keys);
        Assert.All(JobCatalog.All, j => Assert.Equal(j.Description, (string?)jobs[j.Name]["description"]));
        Assert.All(jobs.Values, j => Assert.Equal("UTC", (string?)j["time_zone"]));
        Assert.Equal(Never, (string?)jobs[BudgetLeaseSweepJob.Name]["schedule"]);
        Assert.Equal("30 * * * * ?", (string?)jobs[KeyExpiryJob.Name]["schedule"]);
        Assert.Equal(EverySecond, (string?)jobs[UsageRetentionJob.Name]["schedule"]);

        var expiryNext = Time(jobs[KeyExpiryJob.Name]["next_run_at"]);
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), Time(jobs[BudgetLeaseSweepJob.Name]["next_run_at"]));
        Assert.InRange(expiryNext, now.AddSeconds(-1), now.AddMinutes(1));
        Assert.Equal(30, expiryNext.Second);
        // Every second: the next firing is due now, or a little overdue when a loaded machine's scheduler lags.
        Assert.InRange(Time(jobs[UsageRetentionJob.Name]["next_run_at"]), now.AddSeconds(-15), now.AddSeconds(2));

        var run = jobs[UsageRetentionJob.Name]["last_run"]!.AsObject();
        Assert.Equal("ok", (string?)run["result"]);
        Assert.StartsWith("deleted 0 usage records from before ", (string?)run["summary"], StringComparison.Ordinal);
        Assert.Null(run["error"]);
        Assert.Equal(await Db.ScalarAsync<string>("select instance_name from qrtz_scheduler_state"), (string?)run["instance_id"]);
        Assert.InRange(Time(run["started_at"]), before.AddSeconds(-1), now);
        Assert.InRange(Time(run["scheduled_at"]), before.AddSeconds(-1), Time(run["started_at"]));
        Assert.InRange((double)run["duration_ms"]!, 0, 30_000);
        Assert.Null(jobs[BudgetLeaseSweepJob.Name]["last_run"]);
    }

    [Fact]
    public async Task Should_show_a_failed_run_with_its_error()
    {
        using var admin = TenancyApi.Admin(await StartAsync());
        await TickAsync(UsageRetentionJob.Name, 1);
        await Db.ExecuteAsync("alter table usage_records rename to usage_records_moved");
        await TickAsync(UsageRetentionJob.Name, 1);

        var run = (await JobsAsync(admin))[UsageRetentionJob.Name]["last_run"]!.AsObject();

        Assert.Equal("failed", (string?)run["result"]);
        Assert.StartsWith("PostgresException: 42P01: relation \"usage_records\" does not exist", (string?)run["error"], StringComparison.Ordinal);
        Assert.Null(run["summary"]);
    }

    [Fact]
    public async Task Should_refuse_organization_admins_and_members_with_403_and_anonymous_callers_with_401()
    {
        var server = await StartAsync();
        using var admin = TenancyApi.Admin(server);
        var org = await admin.CreateOrganizationAsync();
        var (_, adminSecret) = await admin.IssueKeyAsync(new { user_id = await admin.CreateUserAsync(org, "admin"), name = "admin" });
        var (_, memberSecret) = await admin.IssueKeyAsync(new { user_id = await admin.CreateUserAsync(org), name = "member" });
        using var orgAdmin = admin.As(adminSecret);
        using var member = admin.As(memberSecret);

        var asOrgAdmin = await orgAdmin.SendAsync(HttpMethod.Get, "/v1/jobs");
        var asMember = await member.SendAsync(HttpMethod.Get, "/v1/jobs");
        var anonymous = await server.Client.GetAsync("/v1/jobs", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, asOrgAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asMember.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("your key may not see background jobs", (string?)JsonNode.Parse(await asMember.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["detail"]);
    }
}

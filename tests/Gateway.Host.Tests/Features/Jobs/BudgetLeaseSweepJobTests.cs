using System.Globalization;
using System.Net;
using Gateway.Domain.Budgets;
using Gateway.Host.Features.Jobs;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Jobs.JobTestKit;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary>Leases that hold nothing usable are deleted; live leases of current periods are never touched.</summary>
public sealed class BudgetLeaseSweepJobTests(PostgresFixture postgres) : JobsTestBase(postgres)
{
    private static async Task<(string Id, DateTimeOffset PeriodStart)> BudgetAsync(TenancyApi admin, string org, object period)
    {
        var body = new Dictionary<string, object?> { ["name"] = "b", ["org_id"] = org, ["limit_usd"] = 10 };
        foreach (var property in period.GetType().GetProperties())
            body[property.Name] = property.GetValue(period);
        var budget = await admin.OkAsync(HttpMethod.Post, "/v1/budgets", body, HttpStatusCode.Created);
        return ((string)budget["id"]!, DateTimeOffset.Parse((string)budget["period_start"]!, CultureInfo.InvariantCulture));
    }

    /// <summary>An instant as PostgreSQL stores it.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset t) => t.AddTicks(-(t.Ticks % TimeSpan.TicksPerMicrosecond));

    private static string Lease(string budget, DateTimeOffset start, string instance, string expires) =>
        $"('{budget}', '{Microseconds(start).UtcDateTime:O}', '{instance}', 1, 0, 0, now() + interval '{expires}')";

    [Fact]
    public async Task Should_delete_lapsed_leases_and_those_of_ended_periods_and_removed_budgets_and_keep_live_ones()
    {
        using var admin = TenancyApi.Admin(await StartAsync(Schedules((BudgetLeaseSweepJob.Name, EverySecond))));
        var org = await admin.CreateOrganizationAsync();
        var (yearly, current) = await BudgetAsync(admin, org, new { period = "duration", period_hours = 8760 });
        var (lifetime, forever) = await BudgetAsync(admin, org, new { period = "none" });
        var (gone, goneStart) = await BudgetAsync(admin, org, new { period = "month" });
        Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(HttpMethod.Delete, $"/v1/budgets/{gone}")).StatusCode);

        // The yearly budget's previous period ended when it was created, seconds ago: an instance whose
        // clock is a little behind may still lease it ("behind"). The one before ended a year ago.
        await Db.ExecuteAsync($"""
            insert into budget_leases (budget_id, period_start, instance_id, usd, tokens, requests, expires_at) values
            {Lease(yearly, current, "alive", "1 hour")},
            {Lease(yearly, current, "crashed", "-1 minute")},
            {Lease(yearly, current.AddHours(-8760), "behind", "1 hour")},
            {Lease(yearly, current.AddHours(-2 * 8760), "alive", "1 hour")},
            {Lease(lifetime, forever, "alive", "1 hour")},
            {Lease(gone, goneStart, "alive", "1 hour")}
            """);
        // One run deletes the dead leases; two more find nothing left to delete.
        await TickAsync(BudgetLeaseSweepJob.Name, 3);

        var left = await Db.ScalarAsync<string>("select string_agg(budget_id || '@' || instance_id, ',' order by budget_id || '@' || instance_id collate \"C\") from budget_leases");
        var deleted = await Db.ScalarAsync<long>(
            $"select sum(substring(summary from '^deleted (\\d+) budget leases$')::bigint)::bigint from job_runs where job = '{BudgetLeaseSweepJob.Name}'");
        Assert.Equal(string.Join(',', new[] { $"{yearly}@alive", $"{yearly}@behind", $"{lifetime}@alive" }.Order(StringComparer.Ordinal)), left);
        Assert.Equal(Microseconds(current).UtcDateTime, await Db.ScalarAsync<DateTime>($"select period_start from budget_leases where budget_id = '{yearly}' and instance_id = 'alive'"));
        Assert.Equal(3L, deleted);
    }

    [Fact]
    public void Should_count_a_period_as_ended_only_a_minute_after_it_ended_comparing_at_the_stored_precision()
    {
        // A duration period counts from its creation instant, which has ticks PostgreSQL does not keep.
        var created = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(7);
        var daily = new BudgetPeriod(PeriodKind.Duration, TimeSpan.FromDays(1), created);
        var stored = Microseconds(created);

        Assert.False(BudgetLeaseSweepJob.Ended(daily, stored, created.AddHours(5)));
        Assert.False(BudgetLeaseSweepJob.Ended(daily, stored, created.AddDays(1).AddSeconds(59)));
        Assert.True(BudgetLeaseSweepJob.Ended(daily, stored, created.AddDays(1).AddSeconds(61)));
        Assert.True(BudgetLeaseSweepJob.Ended(daily, Microseconds(created.AddDays(-1)), created.AddHours(5)));
        Assert.False(BudgetLeaseSweepJob.Ended(daily, Microseconds(created.AddDays(1)), created.AddDays(1).AddSeconds(-2)));
        Assert.False(BudgetLeaseSweepJob.Ended(BudgetPeriod.Lifetime, DateTimeOffset.UnixEpoch, created.AddYears(10)));
    }
}

using Gateway.Host.Features.Jobs;
using Gateway.Host.Features.StoredResponses;
using Gateway.Host.Hosting;
using Gateway.Host.Tests.Features.StoredResponses;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Jobs.JobTestKit;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary>Stored Responses API answers are kept for <c>responses_retention_days</c>, counted from their created_at.</summary>
public sealed class ResponsesRetentionJobTests(PostgresFixture postgres) : JobsTestBase(postgres)
{
    private ResponseStore Store => new(Db.DataSource);

    private async Task SaveAsync(params (string Id, DateTimeOffset CreatedAt)[] responses)
    {
        foreach (var (id, at) in responses)
            await Store.SaveAsync(SampleResponses.Of("org_a", id, createdAt: at), TestContext.Current.CancellationToken);
    }

    private Task<string[]> RemainingAsync() => Db.ScalarAsync<string[]>("select coalesce(array_agg(id order by created_at), '{}') from stored_responses");

    private Task<string> SummaryAsync(int run) =>
        Db.ScalarAsync<string>($"select summary from job_runs where job = '{ResponsesRetentionJob.Name}' order by id offset {run} limit 1");

    [Fact]
    public async Task Should_delete_stored_responses_older_than_the_configured_days_and_keep_the_newer_ones()
    {
        var now = Clock.GetUtcNow();
        await SaveAsync(("resp_old_1", now.AddDays(-11)), ("resp_old_2", now.AddDays(-40)), ("resp_old_3", now.AddDays(-400)),
            ("resp_new_1", now.AddDays(-9)), ("resp_new_2", now.AddMinutes(-1)));
        var config = Schedules((ResponsesRetentionJob.Name, EverySecond));
        config["responses_retention_days"] = "10";

        await StartAsync(config);
        await TickAsync(ResponsesRetentionJob.Name, 2);

        Assert.Equal(["resp_new_1", "resp_new_2"], await RemainingAsync());
        var first = await SummaryAsync(0);
        Assert.StartsWith($"deleted 3 stored responses from before {now.AddDays(-10):yyyy-MM-dd}T", first, StringComparison.Ordinal);
        Assert.EndsWith("Z in 1 batches", first, StringComparison.Ordinal);
        Assert.StartsWith("deleted 0 stored responses from before ", await SummaryAsync(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_keep_stored_responses_30_days_when_nothing_is_configured()
    {
        var now = Clock.GetUtcNow();
        await SaveAsync(("resp_31_days", now.AddDays(-31)), ("resp_29_days", now.AddDays(-29)));

        await StartAsync(Schedules((ResponsesRetentionJob.Name, EverySecond)));
        await TickAsync(ResponsesRetentionJob.Name, 1);

        Assert.Equal(["resp_29_days"], await RemainingAsync());
    }

    [Fact]
    public async Task Should_delete_in_batches_of_the_given_size_until_nothing_old_is_left()
    {
        var now = DateTimeOffset.UtcNow;
        await SaveAsync([.. Enumerable.Range(1, 5).Select(i => ($"resp_old_{i}", now.AddDays(-30 - i))), ("resp_new", now)]);

        var outcome = await new ResponsesRetention(Db.DataSource).RemoveOlderThanAsync(now.AddDays(-30), 2, TestContext.Current.CancellationToken);

        Assert.Equal((5L, 3), (outcome.Deleted, outcome.Batches));
        Assert.Equal(["resp_new"], await RemainingAsync());
        Assert.Equal(1000, ResponsesRetention.BatchSize);
    }

    [Fact]
    public async Task Should_refuse_to_start_with_a_bad_responses_retention_days()
    {
        var refused = await Assert.ThrowsAsync<SettingsException>(() => StartAsync(new Dictionary<string, string?> { ["responses_retention_days"] = "0" }));

        Assert.Equal("responses_retention_days must be a whole number of days from 1 to 36500, not '0'", refused.Message);
    }
}

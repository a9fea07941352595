using Gateway.Host.Features.StoredResponses;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Features.StoredResponses;

/// <summary>
/// The writer the Responses dialect stores through: concurrent saves each complete once their row is committed, and
/// a batch that fails fails its callers without stopping the next.
/// </summary>
public sealed class ResponseWriterTests(PostgresFixture postgres) : StoredResponsesTestBase(postgres)
{
    private ResponseWriter Writer => Server.Services.GetRequiredService<ResponseWriter>();

    [Fact]
    public async Task Should_have_every_row_committed_when_each_of_many_concurrent_saves_completes()
    {
        await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => Writer.SaveAsync(SampleResponses.Of(OrgId, $"resp_many_{i}"), Ct), Ct)));

        Assert.Equal(64, await Db.ScalarAsync<long>("select count(*) from stored_responses where id like 'resp_many_%'"));
    }

    [Fact]
    public async Task Should_fail_the_callers_of_a_batch_that_cannot_be_stored_and_store_the_next()
    {
        var broken = SampleResponses.Of(OrgId, "resp_broken") with { Response = "[]" };

        await Assert.ThrowsAnyAsync<Npgsql.NpgsqlException>(() => Writer.SaveAsync(broken, Ct));
        await Writer.SaveAsync(SampleResponses.Of(OrgId, "resp_after"), Ct);

        Assert.Equal("resp_after", await Db.ScalarAsync<string>("select string_agg(id, ',') from stored_responses where id in ('resp_broken', 'resp_after')"));
    }
}

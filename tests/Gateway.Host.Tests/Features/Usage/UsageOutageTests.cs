using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gateway.Host.Features.Usage;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gateway.Host.Tests.Features.Usage;

/// <summary>PostgreSQL goes away during traffic: requests keep being served, usage waits on disk, and is stored exactly once when it returns.</summary>
public sealed class UsageOutageTests
{
    private const string Body = """{"model":"fake:gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Should_spool_usage_while_the_database_is_down_and_store_it_exactly_once_when_it_returns_even_if_replayed()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = GatewayProcess.TraversableTempDirectory("gateway-outage-");
        try
        {
            await RunAsync(dataDir, ct);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task RunAsync(string dataDir, CancellationToken ct)
    {
        await using var upstream = await FakeOpenAIUpstream.StartAsync();
        await using var database = await DedicatedCluster.StartAsync(ct);
        await using var server = await GatewayServer.StartAsync(
            database.ConnectionString, "public", new GatewayConfig(TestProviders.OpenAI("fake", upstream.BaseUrl).Models("gpt-4o-mini").Keys("up-1")).Flatten(), dataDir);
        using var admin = TenancyApi.Admin(server);
        var (_, secret) = await admin.IssueKeyAsync(new { org_id = await admin.CreateOrganizationAsync(), name = "outage" });
        using var http = new HttpClient { BaseAddress = server.Client.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var log = server.Services.GetRequiredService<UsageLog>();
        var journal = Path.Combine(dataDir, "usage-journal", "public");

        async Task<HttpStatusCode[]> SendAsync(int count) => await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            using var response = await http.PostAsync("/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"), ct);
            return response.StatusCode;
        }));

        var before = await SendAsync(10);
        await log.FlushAsync(ct);
        await database.StopAsync();
        var during = await SendAsync(30);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => log.FlushAsync(ct));
        var spooled = Directory.GetFiles(journal, "*.sealed");
        var copies = spooled.Select(f => (Path: f, Bytes: File.ReadAllBytes(f))).ToList();
        await database.RestartAsync(ct);
        await Eventually.Until(() => Directory.GetFiles(journal, "*.sealed"), left => left.Length == 0, "the spooled journal segments stored once the database is back");

        // A segment stored but not yet deleted when the process died is stored again at the next start: put them all back.
        foreach (var (path, bytes) in copies)
            await File.WriteAllBytesAsync(path, bytes, ct);
        await log.FlushAsync(ct);

        Assert.All(before.Concat(during), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.NotEmpty(spooled);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var counts = dataSource.CreateCommand(
            "select (select count(*) from usage_records), (select count(distinct request_id) from usage_records), (select sum(requests)::bigint from usage_daily)");
        await using var row = await counts.ExecuteReaderAsync(ct);
        await row.ReadAsync(ct);
        Assert.Equal((40L, 40L, 40L), (row.GetInt64(0), row.GetInt64(1), row.GetInt64(2)));
        Assert.Empty(Directory.GetFiles(journal, "*.sealed"));
        Assert.Equal(40, upstream.Requests.Count);
    }
}

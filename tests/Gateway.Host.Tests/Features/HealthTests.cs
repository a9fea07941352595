using System.Net;
using System.Net.Http.Json;
using Gateway.Host.Features.Health;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features;

public sealed class HealthTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Should_report_live_and_ready_when_the_database_answers()
    {
        await using var db = await postgres.NewDatabaseAsync(nameof(HealthTests));
        await using var server = await GatewayServer.StartAsync(db.ConnectionString, db.Schema);
        var ct = TestContext.Current.CancellationToken;

        var live = await server.Client.GetAsync("/health/liveness", ct);
        var ready = await server.Client.GetFromJsonAsync<HealthResponse>("/health/readiness", ct);
        var overall = await server.Client.GetFromJsonAsync<HealthResponse>("/health", ct);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", ready!.Status);
        Assert.Equal("Healthy", ready.Checks["database"].Status);
        Assert.Equal("Healthy", overall!.Status);
    }

    [Fact]
    public async Task Should_answer_503_while_the_database_is_down_and_recover_by_itself_when_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await DedicatedCluster.StartAsync(ct);
        await using var server = await GatewayServer.StartAsync(database.ConnectionString, "public");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health/readiness", ct)).StatusCode);

        await database.StopAsync();
        var down = await server.Client.GetAsync("/health/readiness", ct);
        var body = await down.Content.ReadFromJsonAsync<HealthResponse>(ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("Unhealthy", body!.Checks["database"].Status);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health/liveness", ct)).StatusCode);

        await database.RestartAsync(ct);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health/readiness", ct)).StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using Gateway.Host.Features.Health;
using Gateway.Host.Persistence.Migrations;
using Gateway.Host.Persistence.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
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
        var dir = Path.Combine(Path.GetTempPath(), $"gateway-outage-{Guid.NewGuid():N}");
        var cluster = await LocalPostgresCluster.StartAsync(dir, null, durable: false, ct);
        try
        {
            await using (var dataSource = Npgsql.NpgsqlDataSource.Create(cluster.ConnectionString))
                await new Migrator(dataSource, "public", NullLogger<Migrator>.Instance).ApplyAsync(ct);
            await using var server = await GatewayServer.StartAsync(cluster.ConnectionString, "public");
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health/readiness", ct)).StatusCode);

            await cluster.StopAsync();
            var down = await server.Client.GetAsync("/health/readiness", ct);
            var body = await down.Content.ReadFromJsonAsync<HealthResponse>(ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("Unhealthy", body!.Checks["database"].Status);
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health/liveness", ct)).StatusCode);

            cluster = await LocalPostgresCluster.StartAsync(dir, null, durable: false, ct, port: cluster.Port);
            var recovered = await server.Client.GetAsync("/health/readiness", ct);
            Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        }
        finally
        {
            await cluster.StopAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}

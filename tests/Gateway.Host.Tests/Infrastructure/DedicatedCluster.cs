using Gateway.Host.Persistence.Migrations;
using Gateway.Host.Persistence.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>A PostgreSQL of a test's own, migrated, for tests that stop and restart the database.</summary>
internal sealed class DedicatedCluster : IAsyncDisposable
{
    private readonly string _dir;

    private DedicatedCluster(string dir, LocalPostgresCluster cluster)
    {
        _dir = dir;
        Cluster = cluster;
    }

    public LocalPostgresCluster Cluster { get; private set; }

    public string ConnectionString => Cluster.ConnectionString;

    public static async Task<DedicatedCluster> StartAsync(CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"gateway-dedicated-{Guid.NewGuid():N}");
        var cluster = await LocalPostgresCluster.StartAsync(dir, null, durable: false, ct);
        await using (var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString))
            await new Migrator(dataSource, "public", NullLogger<Migrator>.Instance).ApplyAsync(ct);
        return new DedicatedCluster(dir, cluster);
    }

    public Task StopAsync() => Cluster.StopAsync();

    /// <summary>Starts it again on the same port, where its clients expect it.</summary>
    public async Task RestartAsync(CancellationToken ct) =>
        Cluster = await LocalPostgresCluster.StartAsync(_dir, null, durable: false, ct, port: Cluster.Port);

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAsync();
        Directory.Delete(_dir, recursive: true);
    }
}

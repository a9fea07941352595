using Gateway.Host.Persistence.Migrations;
using Gateway.Host.Persistence.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Bench;

/// <summary>
/// A real, durable PostgreSQL cluster (fsync and synchronous commit on, as in production) started from this machine's
/// binaries in a temporary folder, with the gateway's migrations applied to a <c>bench</c> schema; removed on dispose.
/// </summary>
internal sealed class DurableBenchDatabase : IAsyncDisposable
{
    private readonly string _dir;
    private readonly LocalPostgresCluster _cluster;

    private DurableBenchDatabase(string dir, LocalPostgresCluster cluster, string connectionString)
    {
        _dir = dir;
        _cluster = cluster;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>To the <c>bench</c> schema, password included, for a benchmark that opens its own data source.</summary>
    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Where it listens, for the benchmark's heading.</summary>
    public string Address => _cluster.ConnectionString.Split(';')[0];

    public static async Task<DurableBenchDatabase> StartAsync(int? maxPoolSize = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"gateway-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        if (Environment.UserName == "root")
            File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        var cluster = await LocalPostgresCluster.StartAsync(dir, null, durable: true, CancellationToken.None);
        var connection = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { SearchPath = "bench" };
        if (maxPoolSize is { } max)
            connection.MaxPoolSize = max;
        var database = new DurableBenchDatabase(dir, cluster, connection.ConnectionString);
        try
        {
            await new Migrator(database.DataSource, "bench", NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await _cluster.StopAsync();
        Directory.Delete(_dir, recursive: true);
    }
}

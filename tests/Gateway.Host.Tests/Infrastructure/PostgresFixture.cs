using Gateway.Host.Persistence.Migrations;
using Gateway.Host.Persistence.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

[assembly: AssemblyFixture(typeof(Gateway.Host.Tests.Infrastructure.PostgresFixture))]

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL for the whole run: a throwaway cluster started from the machine's binaries, or the
/// server named by GATEWAY_TEST_DATABASE. Every test gets a schema of its own.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private LocalPostgresCluster? _cluster;
    private string? _clusterDir;
    private int _schemas;

    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("GATEWAY_TEST_DATABASE");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ConnectionString = Gateway.Host.Hosting.DatabaseUrl.ToConnectionString(configured);
            return;
        }

        _clusterDir = Path.Combine(Path.GetTempPath(), $"gateway-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
        _cluster = await LocalPostgresCluster.StartAsync(_clusterDir, binDir: null, durable: false, CancellationToken.None);
        ConnectionString = _cluster.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.StopAsync();
        if (_clusterDir is not null && Directory.Exists(_clusterDir))
            Directory.Delete(_clusterDir, recursive: true);
    }

    /// <summary>A fresh schema with every migration applied.</summary>
    public async Task<TestDatabase> NewDatabaseAsync(string hint)
    {
        var db = NewSchema(hint);
        await new Migrator(db.DataSource, db.Schema, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
        return db;
    }

    /// <summary>A schema name and data source, nothing created yet (for migration tests).</summary>
    public TestDatabase NewSchema(string hint)
    {
        var clean = new string([.. hint.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
        var schema = $"t{Interlocked.Increment(ref _schemas)}_{clean[..Math.Min(clean.Length, 40)]}_{Random.Shared.Next(1000, 9999)}";
        var connection = new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema, MaxPoolSize = 30 };
        return new TestDatabase(schema, connection.ConnectionString);
    }
}

using Gateway.Host.Persistence.Postgres;
using Npgsql;

namespace Gateway.Host.Hosting;

/// <summary>
/// The database a gateway process runs on: the configured server, or the embedded cluster under the
/// data dir, which this object then owns and stops.
/// </summary>
internal sealed class Database : IAsyncDisposable
{
    private readonly LocalPostgresCluster? _embedded;

    private Database(string connectionString, LocalPostgresCluster? embedded)
    {
        ConnectionString = connectionString;
        _embedded = embedded;
    }

    public string ConnectionString { get; }

    public bool IsEmbedded => _embedded is not null;

    /// <summary>Starts or reaches the database and proves it answers, or fails with one line saying why.</summary>
    public static async Task<Database> OpenAsync(GatewaySettings settings, CancellationToken ct)
    {
        var embedded = settings.ConnectionString is null
            ? await LocalPostgresCluster.StartAsync(settings.DataDir, settings.PostgresBin, durable: true, ct)
            : null;
        var database = new Database(embedded?.ConnectionString ?? settings.ConnectionString!, embedded);
        try
        {
            await database.ProbeAsync(ct);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _embedded?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task ProbeAsync(CancellationToken ct)
    {
        var target = new NpgsqlConnectionStringBuilder(ConnectionString);
        var where = $"{target.Host}:{target.Port}/{target.Database}";
        try
        {
            await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 10 }.ConnectionString);
            await conn.OpenAsync(ct);
        }
        catch (PostgresException e)
        {
            throw new SettingsException($"PostgreSQL at {where} refused the connection: {e.MessageText} (SQLSTATE {e.SqlState}); check {Setting.DatabaseUrl.EnvironmentVariable}");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or ArgumentException)
        {
            var reason = e.InnerException?.Message ?? e.Message;
            throw new SettingsException($"cannot reach PostgreSQL at {where}: {reason.TrimEnd('.')}; check {Setting.DatabaseUrl.EnvironmentVariable} and that the server is running");
        }
    }
}

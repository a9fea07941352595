using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary>A fresh schema per test, and the gateways a test starts on it, stopped last-started first.</summary>
public abstract class JobsTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly List<GatewayServer> _servers = [];

    internal PostgresFixture Postgres => postgres;

    internal TestDatabase Db { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Db = await postgres.NewDatabaseAsync(GetType().Name);

    public async ValueTask DisposeAsync()
    {
        for (var i = _servers.Count - 1; i >= 0; i--)
            await _servers[i].DisposeAsync();
        await Db.DisposeAsync();
    }

    /// <param name="config">As the YAML file would give it, e.g. <see cref="JobTestKit.Schedules"/>.</param>
    internal async Task<GatewayServer> StartAsync(IReadOnlyDictionary<string, string?> config, TestDatabase? on = null)
    {
        var db = on ?? Db;
        var server = await GatewayServer.StartAsync(db.ConnectionString, db.Schema, config);
        _servers.Add(server);
        return server;
    }
}

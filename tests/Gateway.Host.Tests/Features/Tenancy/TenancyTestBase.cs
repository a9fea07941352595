using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tenancy;

/// <summary>A gateway on a fresh schema, with the platform admin's API at hand.</summary>
public abstract class TenancyTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    internal TestDatabase Db { get; private set; } = null!;

    internal GatewayServer Server { get; private set; } = null!;

    internal TenancyApi Admin { get; private set; } = null!;

    /// <summary>The gateway's clock; null for the system's.</summary>
    protected virtual TimeProvider? Clock => null;

    public async ValueTask InitializeAsync()
    {
        Db = await postgres.NewDatabaseAsync(GetType().Name);
        Server = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, time: Clock);
        Admin = TenancyApi.Admin(Server);
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
        await Db.DisposeAsync();
    }
}

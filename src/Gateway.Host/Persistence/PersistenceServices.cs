using Gateway.Host.Hosting;
using Gateway.Host.Persistence.EventStore;
using Gateway.Host.Persistence.Migrations;
using Npgsql;

namespace Gateway.Host.Persistence;

/// <summary>What every feature stores through: the data source on the gateway's schema, migrations, NOTIFY, the event store.</summary>
internal static class PersistenceServices
{
    public static void AddPersistence(this WebApplicationBuilder builder, GatewaySettings settings, string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = settings.Schema };
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(database.ConnectionString));
        builder.Services.AddSingleton(sp => new Migrator(
            sp.GetRequiredService<NpgsqlDataSource>(), settings.Schema, sp.GetRequiredService<ILogger<Migrator>>()));
        builder.Services.AddSingleton<NotificationListener>();
        builder.Services.AddSingleton<EventStore.EventStore>();
        builder.Services.AddSingleton<ProjectionRunner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProjectionRunner>());
    }
}

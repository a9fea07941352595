using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Host.Features.Docs;
using Gateway.Host.Features.Health;
using Gateway.Host.Persistence.EventStore;
using Gateway.Host.Persistence.Migrations;
using Npgsql;

namespace Gateway.Host.Hosting;

/// <summary>Composes the web application: services, then one Map call per feature.</summary>
internal static class GatewayApp
{
    /// <param name="connectionString">The database; a connection is opened only when a request or service needs one.</param>
    /// <param name="configure">Lets tests and tools add or replace services before the app is built.</param>
    public static WebApplication Build(GatewaySettings settings, string connectionString, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(GatewayApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings.ConfigValues);
        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.Services.AddSingleton(settings);
        // Request-by-request framework logs drown what matters; the gateway logs its own events.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var database = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = settings.Schema };
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(database.ConnectionString));
        builder.Services.AddSingleton(sp => new Migrator(
            sp.GetRequiredService<NpgsqlDataSource>(), settings.Schema, sp.GetRequiredService<ILogger<Migrator>>()));
        builder.Services.AddSingleton(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        builder.Services.AddSingleton<EventStore>();
        builder.Services.AddSingleton<ProjectionRunner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProjectionRunner>());

        // Numbers are numbers: Web defaults also accept "12" for 12, which widens every schema.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        builder.Services.AddProblemDetails();
        builder.AddGatewayOpenApi();
        builder.AddHealthFeature();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.MapGatewayOpenApi();
        app.MapDocs();
        app.MapHealth();
        // Explicit, so the endpoints are registered at build time: `gateway openapi` describes them
        // without starting a server.
        app.UseEndpoints(_ => { });
        return app;
    }
}

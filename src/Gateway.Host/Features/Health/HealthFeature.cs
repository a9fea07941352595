namespace Gateway.Host.Features.Health;

/// <summary>The database health check and the liveness and readiness probes.</summary>
internal static class HealthFeature
{
    public static void AddHealthFeature(this WebApplicationBuilder builder) =>
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag]);

    public static void MapHealthFeature(this WebApplication app) => app.MapHealth();
}

using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Budgets;
using Gateway.Host.Features.Docs;
using Gateway.Host.Features.Health;
using Gateway.Host.Features.Inference;
using Gateway.Host.Features.Jobs;
using Gateway.Host.Features.Outbound;
using Gateway.Host.Features.Pricing;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.StoredResponses;
using Gateway.Host.Features.Tenancy;
using Gateway.Host.Features.Tools;
using Gateway.Host.Features.Upstreams;
using Gateway.Host.Features.Usage;
using Gateway.Host.Http;
using Gateway.Host.Persistence;

namespace Gateway.Host.Hosting;

/// <summary>
/// Composes the web application: each feature registers its services, then maps its endpoints. Hosted
/// services start in the order they are registered and stop in the reverse one, so the order of the features counts.
/// </summary>
internal static class GatewayApp
{
    /// <param name="connectionString">The database; a connection is opened only when a request or service needs one.</param>
    /// <param name="configure">Lets tests and tools add or replace services before the app is built.</param>
    public static WebApplication Build(GatewaySettings settings, string connectionString, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(
            new WebApplicationOptions { ApplicationName = typeof(GatewayApp).Assembly.GetName().Name, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings.ConfigValues);
        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        // Request-by-request framework logs drown what matters; the gateway logs its own events.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // It logs nothing above Information, and while it logs at all ASP.NET Core starts an Activity for every request.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.AddGatewayHttp();
        builder.AddPersistence(settings, connectionString);
        builder.AddAuthFeature(settings);
        builder.AddTenancyFeature();
        // Providers before upstreams: discovery lists the models of the keys the provider stores loaded.
        builder.AddProvidersFeature(settings);
        builder.AddUpstreamsFeature();
        builder.AddPricingFeature();
        builder.AddInferenceFeature();
        builder.AddOutboundFeature();
        builder.AddToolsFeature();
        // Budgets before usage, so the ledger stops after the usage log: the last spend is stored before leases go back.
        builder.AddBudgetsFeature();
        builder.AddUsageFeature(settings);
        builder.AddStoredResponsesFeature();
        // The last hosted service, so the scheduler stops first: no job runs against a store that has stopped.
        builder.AddJobsFeature();
        builder.AddDocsFeature();
        builder.AddHealthFeature();
        configure?.Invoke(builder);

        var app = builder.Build();
        // The request id first, so every log line, error and usage record below carries it.
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // After routing, as both read the endpoint: faults answer in its dialect, authentication skips anonymous ones.
        app.UseRouting();
        app.UseMiddleware<InferenceFaults>();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.MapDocsFeature();
        app.MapHealthFeature();
        app.MapAuthFeature();
        app.MapTenancyFeature();
        app.MapInferenceFeature();
        app.MapStoredResponsesFeature();
        app.MapProvidersFeature();
        app.MapPricingFeature();
        app.MapToolsFeature();
        app.MapBudgetsFeature();
        app.MapJobsFeature();
        app.MapUsageFeature();
        // Explicit, so the endpoints are registered at build time: `gateway openapi` describes them without starting a server.
        app.UseEndpoints(_ => { });
        return app;
    }
}

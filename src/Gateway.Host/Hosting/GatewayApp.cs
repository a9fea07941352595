using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Budgets;
using Gateway.Host.Features.Docs;
using Gateway.Host.Features.Health;
using Gateway.Host.Features.Inference;
using Gateway.Host.Features.Inference.Anthropic;
using Gateway.Host.Features.Inference.Gemini;
using Gateway.Host.Features.Inference.OpenAI;
using Gateway.Host.Features.Jobs;
using Gateway.Host.Features.Outbound;
using Gateway.Host.Features.Pricing;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Tenancy;
using Gateway.Host.Features.Upstreams;
using Gateway.Host.Features.Usage;
using Gateway.Host.Features.Tenancy.Audit;
using Gateway.Host.Features.Tenancy.Keys;
using Gateway.Host.Features.Tenancy.Organizations;
using Gateway.Host.Features.Tenancy.Users;
using Gateway.Host.Http;
using Gateway.Host.Persistence;
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
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(GatewayJson.Options);
        builder.Services.AddSingleton<NotificationListener>();
        builder.Services.AddSingleton<EventStore>();
        builder.Services.AddSingleton<IInlineProjection, TenancyProjection>();
        builder.Services.AddSingleton<ProjectionRunner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProjectionRunner>());

        builder.Services.AddSingleton(new KeySecrets(
            settings.MasterKey ?? throw new SettingsException($"{Setting.MasterKey.EnvironmentVariable} is not set; run `gateway init`"),
            settings.AdminToken ?? throw new SettingsException($"{Setting.AdminToken.EnvironmentVariable} is not set; run `gateway init`")));
        builder.Services.AddSingleton<KeyDirectory>();
        builder.Services.AddSingleton<KeyUsageTracker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KeyUsageTracker>());
        builder.Services.AddHostedService<TenancyChangeListener>();
        builder.Services.AddSingleton<TenancyReadStore>();
        builder.Services.AddSingleton<TenancyWriter>();

        builder.Services.AddSingleton(sp => ProviderRegistry.FromConfiguration(builder.Configuration, sp.GetRequiredService<KeySecrets>()));
        builder.Services.AddSingleton(new SecretBox(settings.MasterKey!));
        builder.Services.AddSingleton<IInlineProjection, ProviderKeyProjection>();
        builder.Services.AddSingleton<IInlineProjection, ProviderProjection>();
        // Providers first: the keys stored for a provider declared at run time need it in the registry.
        builder.Services.AddSingleton<ProviderStore>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProviderStore>());
        builder.Services.AddSingleton<ProviderKeyStore>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProviderKeyStore>());
        builder.Services.AddSingleton<UpstreamHttp>();
        builder.Services.AddSingleton<ModelDiscovery>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ModelDiscovery>());
        builder.Services.AddSingleton<UpstreamCaller>();
        builder.Services.AddSingleton<InferencePipeline>();
        builder.Services.AddSingleton<Gateway.Domain.Upstreams.CallerLimits>();
        builder.Services.AddSingleton(PricingSettings.FromConfiguration(builder.Configuration));
        builder.Services.AddSingleton(TranslationSettings.FromConfiguration(builder.Configuration));
        var bodyLimits = BodyLimits.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(bodyLimits);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = bodyLimits.Bytes);
        builder.Services.AddSingleton<IInlineProjection, PriceProjection>();
        builder.Services.AddSingleton<PriceStore>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PriceStore>());
        builder.Services.AddSingleton<IInlineProjection, BudgetProjection>();
        builder.Services.AddSingleton<BudgetStore>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BudgetStore>());
        builder.Services.AddSingleton<BudgetLeases>();
        // Registered before the usage log, so it stops after it: the last spend is stored before leases go back.
        builder.Services.AddSingleton<BudgetLedger>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BudgetLedger>());
        builder.Services.AddSingleton<Spending>();
        builder.AddOutboundFeature();
        builder.Services.AddSingleton<WebhookSignature>();
        builder.Services.AddSingleton<BudgetWebhooks>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BudgetWebhooks>());
        builder.Services.AddSingleton<BudgetAlerts>();
        builder.Services.AddSingleton(_ => new UsageJournal(UsageLog.FolderFor(settings)));
        builder.Services.AddSingleton<UsageWriter>();
        builder.Services.AddSingleton<UsageLog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UsageLog>());
        builder.AddJobsFeature();

        builder.Services.ConfigureHttpJsonOptions(o => GatewayJson.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.AddGatewayOpenApi();
        builder.AddHealthFeature();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<InferenceFaults>();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.MapGatewayOpenApi();
        app.MapDocs();
        app.MapHealth();
        app.MapMe();
        app.MapOrganizations();
        app.MapUsers();
        app.MapKeys();
        app.MapAudit();
        app.MapOpenAIInference();
        app.MapAnthropicInference();
        app.MapGeminiInference();
        app.MapModels();
        app.MapProviders();
        app.MapProviderKeys();
        app.MapProviderDeclarations();
        app.MapPricing();
        app.MapBudgets();
        app.MapJobs();
        app.MapUsage();
        // Explicit, so the endpoints are registered at build time: `gateway openapi` describes them
        // without starting a server.
        app.UseEndpoints(_ => { });
        return app;
    }
}

using Gateway.Domain.Upstreams.Sharing;
using Gateway.Host.Features.Auth;
using Gateway.Host.Hosting;
using Gateway.Host.Persistence.EventStore;

namespace Gateway.Host.Features.Providers;

/// <summary>Provider instances and their key pools: the config file's, and those declared and keyed at run time.</summary>
internal static class ProvidersFeature
{
    public static void AddProvidersFeature(this WebApplicationBuilder builder, GatewaySettings settings)
    {
        // One set of shares for every pool and for the virtual keys' limits: what this instance holds of the shared windows.
        builder.Services.AddSingleton<QuotaShares>();
        builder.Services.AddSingleton(sp => ProviderRegistry.FromConfiguration(builder.Configuration, sp.GetRequiredService<KeySecrets>(), sp.GetRequiredService<QuotaShares>()));
        // Set by now: the auth feature refuses to start without it.
        builder.Services.AddSingleton(new SecretBox(settings.MasterKey!));
        builder.Services.AddSingleton<IInlineProjection, ProviderKeyProjection>();
        builder.Services.AddSingleton<IInlineProjection, ProviderProjection>();
        // Providers first: the keys stored for a provider declared at run time need it in the registry.
        builder.Services.AddSingleton<ProviderStore>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProviderStore>());
        builder.Services.AddSingleton<ProviderKeyStore>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProviderKeyStore>());
        // After the keys: a rejection applies only to a key the pool holds.
        builder.Services.AddSingleton<PoolStateStore>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PoolStateStore>());
        builder.Services.AddSingleton(sp => new PoolVerdictQueue(sp.GetRequiredService<ILogger<PoolVerdictQueue>>()));
        builder.Services.AddHostedService<PoolStateWriter>();
    }

    public static void MapProvidersFeature(this IEndpointRouteBuilder app)
    {
        app.MapProviders();
        app.MapProviderKeys();
        app.MapProviderDeclarations();
    }
}

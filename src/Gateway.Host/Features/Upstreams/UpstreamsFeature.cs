using Gateway.Host.Features.Upstreams.Sharing;

namespace Gateway.Host.Features.Upstreams;

/// <summary>Calling the providers' APIs: the connection stack, model discovery, the caller that rotates keys and falls back, and the limits shared across instances.</summary>
internal static class UpstreamsFeature
{
    public static void AddUpstreamsFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(_ => new UpstreamHttp(UpstreamHttp.NetworkHandler()));
        builder.Services.AddSingleton<ModelDiscovery>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ModelDiscovery>());
        builder.Services.AddSingleton<QuotaGrants>();
        builder.Services.AddSingleton<SharedQuotas>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SharedQuotas>());
        builder.Services.AddSingleton<UpstreamCaller>();
    }
}

namespace Gateway.Host.Features.Upstreams;

/// <summary>Calling the providers' APIs: the connection stack, model discovery, and the caller that rotates keys and falls back.</summary>
internal static class UpstreamsFeature
{
    public static void AddUpstreamsFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(_ => new UpstreamHttp(UpstreamHttp.NetworkHandler()));
        builder.Services.AddSingleton<ModelDiscovery>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ModelDiscovery>());
        builder.Services.AddSingleton<UpstreamCaller>();
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Gateway.Host.Features.Upstreams;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Bench;

/// <summary>
/// The floor for one .NET proxy hop: YARP's <see cref="IHttpForwarder"/> sending every request to the fake upstream over
/// a handler set up exactly as the gateway's own (<see cref="UpstreamHttp.NetworkHandler"/>), with no authentication, no
/// routing by model, no key pool and no usage recording. Run as its own process with the gateway's GC settings.
/// </summary>
internal static class YarpForwarder
{
    public static async Task RunAsync(int port, Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(UpstreamHttp.NetworkHandler());
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var destination = upstream.GetLeftPart(UriPartial.Authority);
        app.MapGet("/health", () => "ok");
        // A failed forward answers 502 by itself, which the load generator counts as an error.
        app.Map("/{**path}", (RequestDelegate)(async context => await forwarder.SendAsync(context, destination, invoker)));
        await app.RunAsync();
    }
}

using Gateway.Host.Features.Inference.Looping;

namespace Gateway.Host.Features.Tools;

/// <summary>The tools the gateway runs itself: their settings, the toolbox started with the gateway, the loop that runs them in requests, <c>/v1/tools</c>.</summary>
internal static class ToolsFeature
{
    public static void AddToolsFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(ToolSettings.FromConfiguration(builder.Configuration));
        builder.Services.AddSingleton<IToolStarter, ToolStarter>();
        builder.Services.AddSingleton<Toolbox>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Toolbox>());
        builder.Services.AddSingleton<ToolRunLedger>();
        builder.Services.AddSingleton<IChatLoopSource, ToolLoopSource>();
    }

    public static void MapToolsFeature(this IEndpointRouteBuilder app) => app.MapTools();
}

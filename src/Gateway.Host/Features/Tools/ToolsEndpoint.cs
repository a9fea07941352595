using Gateway.Host.Features.Auth;

namespace Gateway.Host.Features.Tools;

/// <summary><c>GET /v1/tools</c>: the tools the gateway runs itself, whether each can run here and be used by the presented key, and what each costs.</summary>
internal static class ToolsEndpoint
{
    /// <param name="Type">The tool's type in a request's tools (<c>gateway_web_search</c>; Gemini's key is its camelCase form).</param>
    /// <param name="Available">Enabled, and able to run here; when not, <paramref name="Reason"/> says why.</param>
    /// <param name="Allowed">Whether the presented key's organization and key may use it (<c>allowed_tools</c>).</param>
    /// <param name="Limits">The operator's limits on its runs, by their config keys.</param>
    internal sealed record ToolInfo(string Type, bool Enabled, bool Available, string? Reason, bool Allowed, IReadOnlyDictionary<string, long> Limits, ToolPriceInfo Price);

    /// <param name="PerCall">US dollars per run that succeeded.</param>
    /// <param name="PerSecond">US dollars per second of such a run.</param>
    internal sealed record ToolPriceInfo(decimal PerCall, decimal PerSecond);

    /// <param name="MaxToolIterations">Tool rounds a request may take before the model must answer.</param>
    /// <param name="InterceptNative">Whether provider-native tool types run at the gateway for upstreams without them.</param>
    internal sealed record ToolsResponse(IReadOnlyList<ToolInfo> Tools, int MaxToolIterations, bool InterceptNative);

    public static void MapTools(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/tools", (HttpContext context, Toolbox toolbox, KeyDirectory directory) =>
            {
                var principal = context.Principal();
                var tools = toolbox.All.Select(t => new ToolInfo(
                    t.Type, t.Enabled, t.Availability.IsAvailable, t.Availability.Reason, directory.MayUseTool(principal, t.Type),
                    ToolLimits.Of(t.Kind, toolbox.Settings), new ToolPriceInfo(t.Price.PerCall, t.Price.PerSecond)));
                return TypedResults.Ok(new ToolsResponse([.. tools], toolbox.Settings.MaxToolIterations, toolbox.Settings.InterceptNative));
            })
            .WithTags("Tools").WithName("listTools").WithSummary("The tools the gateway runs itself: enabled, available, allowed to this key, limits and prices")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status500InternalServerError);
}

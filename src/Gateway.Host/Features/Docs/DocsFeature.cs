namespace Gateway.Host.Features.Docs;

/// <summary>The OpenAPI document generated from the endpoints, and the <c>/docs</c> page that renders it.</summary>
internal static class DocsFeature
{
    public static void AddDocsFeature(this WebApplicationBuilder builder) => builder.AddGatewayOpenApi();

    public static void MapDocsFeature(this WebApplication app)
    {
        app.MapGatewayOpenApi();
        app.MapDocs();
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Gateway.Host.Features.Docs;

/// <summary>
/// The OpenAPI document generated from the endpoints. <c>/openapi.json</c> serves it,
/// <c>gateway openapi</c> writes it to docs/openapi.json and CI checks the two agree.
/// </summary>
internal static class OpenApiDocument
{
    private const string DocumentName = "v1";

    public static void AddGatewayOpenApi(this WebApplicationBuilder builder) =>
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Gateway API",
                    Version = "v1",
                    Description = "Self-hosted multi-tenant LLM gateway: management API and inference endpoints in the OpenAI, Anthropic and Gemini dialects.",
                };
                // The committed document must not depend on where it was generated.
                document.Servers?.Clear();
                return Task.CompletedTask;
            });
        });

    public static void MapGatewayOpenApi(this WebApplication app) =>
        app.MapOpenApi("/openapi.json").ExcludeFromDescription().AllowAnonymous();

    /// <summary>The document as JSON, exactly as <c>/openapi.json</c> would serve it.</summary>
    public static async Task<string> GenerateAsync(IServiceProvider services, CancellationToken ct)
    {
        var provider = services.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName);
        var document = await provider.GetOpenApiDocumentAsync(ct);
        var json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, ct);
        // Re-indent through System.Text.Json so the committed file has one stable layout.
        return JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}

using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Http;
using Microsoft.AspNetCore.Authorization;
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
            // Each slice names its own CreateRequest; the schema id says whose (OrganizationCreateRequest).
            options.CreateSchemaReferenceId = info =>
                info.Type.IsNested && info.Type.Name.EndsWith("Request", StringComparison.Ordinal) && info.Type.DeclaringType!.Name.EndsWith("Endpoints", StringComparison.Ordinal)
                    ? info.Type.DeclaringType.Name[..^"Endpoints".Length] + info.Type.Name
                    : OpenApiOptions.CreateDefaultSchemaReferenceId(info);
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
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = SecuritySchemes();
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
                    return Task.CompletedTask;
                // Any one of the four will do: each SDK sends its key its own way.
                operation.Security = [.. SecuritySchemes().Keys.Select(name =>
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(name, context.Document)] = [] })];
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                // Request and response records carry a static Example beside their fields.
                var type = context.JsonTypeInfo.Type;
                if (type.GetProperty("Example", BindingFlags.Public | BindingFlags.Static) is { } example && example.PropertyType == type)
                    schema.Examples = [JsonSerializer.SerializeToNode(example.GetValue(null), type, GatewayJson.Options)!];
                return Task.CompletedTask;
            });
        });

    private static Dictionary<string, IOpenApiSecurityScheme> SecuritySchemes() => new()
    {
        ["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A virtual key (gw_…) or the platform admin token, as OpenAI SDKs send it.",
        },
        ["x-api-key"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "x-api-key",
            Description = "The same key, as Anthropic SDKs send it.",
        },
        ["x-goog-api-key"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "x-goog-api-key",
            Description = "The same key, as Gemini SDKs send it.",
        },
        ["key"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Query,
            Name = "key",
            Description = "The same key as a query parameter, as Gemini REST examples send it.",
        },
    };

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

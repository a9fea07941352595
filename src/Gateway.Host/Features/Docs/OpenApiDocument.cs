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
internal static partial class OpenApiDocument
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
                    // No licence has been chosen (the repository has none); npm's word for that, as Features/Docs/package.json says it.
                    License = new OpenApiLicense { Name = "UNLICENSED" },
                };
                // The committed document must not depend on where it was generated: the default address stands for yours.
                document.Servers = [new OpenApiServer { Url = "http://127.0.0.1:8080", Description = "`gateway serve`'s default address; replace it with where your gateway listens" }];
                foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
                    tag.Description = TagDescriptions.GetValueOrDefault(tag.Name!);
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = SecuritySchemes();
                document.Components.Responses ??= new Dictionary<string, IOpenApiResponse>();
                document.Components.Responses[KeyRefused] = new OpenApiResponse
                {
                    Description = "The key is missing, unknown, revoked or expired (401), or its user is blocked or its organisation suspended (403). " +
                        "The body comes in the shape of the SDK whose way the key was sent: OpenAI's for Bearer, Anthropic's for x-api-key, " +
                        "Google's for x-goog-api-key or ?key= (without a key: the dialect of the path).",
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(KeyRefusal, document) } },
                };
                document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                document.Components.Schemas[KeyRefusal] = KeyRefusalSchema();
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
                {
                    // Said explicitly, so that generators and linters do not take a forgotten requirement for "none".
                    operation.Security = [];
                    return Task.CompletedTask;
                }

                // Any one of the four will do: each SDK sends its key its own way.
                operation.Security = [.. SecuritySchemes().Keys.Select(name =>
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(name, context.Document)] = [] })];
                // The authentication middleware refuses before any handler runs, in the key's dialect, whatever the endpoint's.
                operation.Responses ??= [];
                operation.Responses["401"] = new OpenApiResponseReference(KeyRefused, context.Document);
                if (operation.Responses.TryGetValue("403", out var forbidden) && forbidden is OpenApiResponse own)
                {
                    own.Description = "Forbidden. A refusal of the key itself (blocked user, suspended organisation) comes in the key's dialect (application/json), as for 401.";
                    own.Content ??= new Dictionary<string, OpenApiMediaType>();
                    own.Content["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(KeyRefusal, context.Document) };
                }

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

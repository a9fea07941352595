using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Features.Dialects;
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

    private const string KeyRefused = "KeyRefused";

    /// <summary>What each tag groups; the linter (docs/lint) refuses a tag without one.</summary>
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Health"] = "Liveness and readiness probes for orchestrators; no key needed.",
        ["Auth"] = "Who the presented key authenticates as.",
        ["Organizations"] = "Tenants: create, rename, suspend, reactivate, delete (platform admin; organisation admins may rename theirs).",
        ["Users"] = "Users of an organisation, as admin or member; block, unblock, delete.",
        ["Keys"] = "Virtual keys (gw_...): issue, list, change, rotate with a grace period, revoke. The secret is shown once.",
        ["Audit"] = "Every change as an event, with the acting principal and correlation id, newest first.",
        ["OpenAI"] = "Inference in OpenAI's wire format: chat completions, embeddings, moderations, the model list. Errors in OpenAI's shape.",
        ["Anthropic"] = "Inference in Anthropic's Messages format, for Claude Code and the Anthropic SDKs. Errors in Anthropic's shape.",
        ["Gemini"] = "Inference in Google's native Gemini format, for the Gemini SDKs: one path per model method, as Google's own API. Errors in Google's shape.",
        ["Providers"] = "Upstream provider instances and their key pools: live state, run-time declarations and keys (platform admin).",
        ["Pricing"] = "Price versions per model, in force and scheduled; USD per million tokens.",
        ["Budgets"] = "Spending limits with their current spend, changes, alerts and signed webhooks.",
        ["Usage"] = "Every request's usage record and daily sums, as JSON or CSV.",
        ["Jobs"] = "Background jobs: schedule, last run and next run (platform admin).",
    };

    private const string KeyRefusal = "KeyRefusal";

    /// <summary>
    /// The three dialects' error bodies (<see cref="OpenAIError"/>, <see cref="AnthropicError"/>, <see cref="GoogleError"/>)
    /// as one object, since any of them may come: client generators make a typed error of one object, not of a union.
    /// </summary>
    private static OpenApiSchema KeyRefusalSchema()
    {
        static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "A refused key, in the dialect the key was sent in: OpenAIError, AnthropicError or GoogleError.",
            Required = new HashSet<string> { "error" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Text("Anthropic's only: `error`."),
                ["error"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "message" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["message"] = Text("What is wrong with the key, in every dialect."),
                        ["type"] = Text("OpenAI's and Anthropic's: `authentication_error` or `permission_error`."),
                        ["code"] = new OpenApiSchema
                        {
                            Type = JsonSchemaType.String | JsonSchemaType.Integer,
                            Description = "OpenAI's: the reason (`missing_api_key`, `invalid_api_key`, `revoked_api_key`, `expired_api_key`, `user_blocked`, `organization_suspended`). Google's: the HTTP status again.",
                        },
                        ["status"] = Text("Google's: `UNAUTHENTICATED` or `PERMISSION_DENIED`."),
                    },
                },
            },
        };
    }

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

using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;
using Microsoft.OpenApi;

namespace Gateway.Host.Features.Docs;

/// <summary>What the document says beyond the endpoints' own metadata: tags, the key schemes, a refused key.</summary>
internal static partial class OpenApiDocument
{
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
        ["OpenAI Responses"] = "OpenAI's Responses API: responses kept per organisation, read back, listed by input item, deleted. Errors in OpenAI's shape.",
        ["Anthropic"] = "Inference in Anthropic's Messages format, for Claude Code and the Anthropic SDKs. Errors in Anthropic's shape.",
        ["Gemini"] = "Inference in Google's native Gemini format, for the Gemini SDKs: one path per model method, as Google's own API. Errors in Google's shape.",
        ["Providers"] = "Upstream provider instances and their key pools: live state, run-time declarations and keys (platform admin).",
        ["Pricing"] = "Price versions per model, in force and scheduled; USD per million tokens.",
        ["Budgets"] = "Spending limits with their current spend, changes, alerts and signed webhooks.",
        ["Usage"] = "Every request's usage record and daily sums, as JSON or CSV.",
        ["Jobs"] = "Background jobs: schedule, last run and next run (platform admin).",
        ["Tools"] = "The tools the gateway runs itself (web search, code execution): enabled, available, allowed to the key, limits and prices.",
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
        [AnthropicApi.KeyHeader] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = AnthropicApi.KeyHeader,
            Description = "The same key, as Anthropic SDKs send it.",
        },
        [GeminiApi.KeyHeader] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = GeminiApi.KeyHeader,
            Description = "The same key, as Gemini SDKs send it.",
        },
        [GeminiApi.KeyQuery] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Query,
            Name = GeminiApi.KeyQuery,
            Description = "The same key as a query parameter, as Gemini REST examples send it.",
        },
    };
}

using System.Text.Json.Serialization;
using Gateway.Domain.Chat.Gemini;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.OpenAI;
using Gateway.Host.Features.Providers;
using Microsoft.OpenApi;

namespace Gateway.Host.Features.Inference.Gemini;

/// <summary>
/// Google's native Gemini REST surface, for the official Gemini SDKs pointed at the gateway
/// (<c>httpOptions.baseUrl</c>): <c>models/{model}:generateContent</c>, <c>:streamGenerateContent</c>
/// (<c>?alt=sse</c> or the JSON-array stream), <c>:countTokens</c>, <c>:embedContent</c> and <c>:batchEmbedContents</c> under <c>/v1beta/</c> and <c>/v1/</c>,
/// and the model list under <c>/v1beta/models</c> (<c>GET /v1/models</c> is the OpenAI dialect's). The key
/// comes as <c>x-goog-api-key</c> or <c>?key=</c> (or Bearer); errors come in Google's shape.
/// </summary>
internal static class GeminiEndpoints
{
    /// <summary>A model in Gemini's format. In the list, <c>name</c> is <c>models/{provider:model}</c>, which the methods accept as it is.</summary>
    /// <param name="Name"><c>models/</c> and the name: as listed, or as asked for by a lookup (an alias stays an alias).</param>
    /// <param name="BaseModelId">The <c>provider:model</c> it is served by (for an alias, the first target this key may use).</param>
    internal sealed record GeminiModel(
        string Name,
        [property: JsonPropertyName("baseModelId")] string BaseModelId,
        [property: JsonPropertyName("displayName")] string DisplayName,
        [property: JsonPropertyName("supportedGenerationMethods")] IReadOnlyList<string> SupportedGenerationMethods);

    internal sealed record GeminiModelList(IReadOnlyList<GeminiModel> Models);

    /// <summary>One of Google's model methods: its own path, operation and schemas, and what runs it.</summary>
    private sealed record ModelMethod(string Name, string Summary, Type Request, Type Response, Func<HttpContext, InferenceRunner, TimeProvider, string, Task> Run)
    {
        public string OperationId(string version) => "gemini" + char.ToUpperInvariant(Name[0]) + Name[1..] + (version == "v1" ? "V1" : "");
    }

    private static readonly ModelMethod[] Methods =
    [
        new(GeminiApi.GenerateContent, "A whole answer in Google's Gemini format, routed to the model's providers and key pools",
            typeof(GenerateContentRequest), typeof(GenerateContentResponse),
            (context, runner, _, model) => runner.RunAsync(context, new GeminiGenerateDialect(model, stream: false, sse: false))),
        new(GeminiApi.StreamGenerateContent, "The answer as it is made: server-sent events with ?alt=sse, otherwise one JSON array whose elements arrive as they are made",
            typeof(GenerateContentRequest), typeof(GenerateContentResponse[]),
            (context, runner, _, model) => runner.RunAsync(context, new GeminiGenerateDialect(model, stream: true,
                sse: string.Equals(context.Request.Query["alt"], "sse", StringComparison.OrdinalIgnoreCase)))),
        new(GeminiApi.CountTokens, "The prompt's tokens: exact from Gemini and Anthropic upstreams, estimated for OpenAI-compatible ones (x-gateway-token-count says which); never charged",
            typeof(CountTokensRequest), typeof(CountTokensResponse),
            (context, runner, time, model) => TokenCounting.HandleAsync(context, runner, new GeminiCountTokensDialect(model), time)),
        new(GeminiApi.EmbedContent, "One embedding, from a Gemini or OpenAI-compatible upstream",
            typeof(EmbedContentRequest), typeof(EmbedContentResponse),
            (context, runner, _, model) => runner.RunAsync(context, new GeminiEmbedDialect(model, batch: false))),
        new(GeminiApi.BatchEmbedContents, "Several embeddings of one size in one call, from a Gemini or OpenAI-compatible upstream",
            typeof(BatchEmbedContentsRequest), typeof(BatchEmbedContentsResponse),
            (context, runner, _, model) => runner.RunAsync(context, new GeminiEmbedDialect(model, batch: true))),
    ];

    /// <summary>What a chat model supports; the list shows these (the embedding methods need an embedding model).</summary>
    private static readonly string[] ChatMethods = [GeminiApi.GenerateContent, GeminiApi.StreamGenerateContent, GeminiApi.CountTokens];

    public static void MapGeminiInference(this IEndpointRouteBuilder app)
    {
        foreach (var version in new[] { "v1beta", "v1" })
        {
            foreach (var method in Methods)
                Describe(app.MapPost($"/{version}/models/{{model}}:{method.Name}", (string model, HttpContext context, InferenceRunner runner, TimeProvider time) =>
                    method.Run(context, runner, time, Uri.UnescapeDataString(model))), method, version);

            // What no method's route matches: a name holding a '/' (provider/model, which Google's SDKs put in
            // the path unescaped, so it spans segments), or a method this gateway does not serve.
            app.MapPost($"/{version}/models/{{**action}}", DispatchAsync).InDialect(Dialect.Gemini).ExcludeFromDescription();
        }

        app.MapGet("/v1beta/models", (HttpContext context, ProviderRegistry registry, KeyDirectory directory) =>
                TypedResults.Ok(new GeminiModelList([.. ModelsEndpoint.Usable(context, registry, directory)
                    .Select(x => new GeminiModel($"models/{x.Provider}:{x.Model}", $"{x.Provider}:{x.Model}", x.Model, ChatMethods))])))
            .WithTags("Gemini").WithName("geminiListModels").InDialect(Dialect.Gemini).WithSummary("Models the caller's key may use, in Gemini's list format")
            .ProducesErrors<GoogleError>(StatusCodes.Status500InternalServerError);
        app.MapGet("/v1beta/models/{**model}", async (string model, HttpContext context, ProviderRegistry registry, KeyDirectory directory) =>
            {
                var name = model.StartsWith("models/", StringComparison.Ordinal) ? model["models/".Length..] : model;
                if (ModelsEndpoint.Lookup(name, context, registry, directory) is { } found)
                    await TypedResults.Ok(new GeminiModel($"models/{found.Asked}", found.Target.ToString(), found.Target.Model, ChatMethods)).ExecuteAsync(context);
                else
                    await DialectErrors.WriteAsync(context, Dialect.Gemini, 404, "model_not_found", $"models/{name} is not found, or this key may not use it");
            })
            .WithTags("Gemini").WithName("geminiGetModel").InDialect(Dialect.Gemini)
            .WithSummary("One model in Gemini's format, by any name a request may use: provider:model, provider/model, a bare model name or an alias")
            .Produces<GeminiModel>().ProducesErrors<GoogleError>(StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters!.Single(p => p.Name == "model").Description = ModelParameter + " A leading `models/` is taken off.";
                return Task.CompletedTask;
            });
    }

    private static void Describe(RouteHandlerBuilder route, ModelMethod method, string version)
    {
        // countTokens produces nothing, so no budget can refuse it.
        int[] refusals = method.Name == GeminiApi.CountTokens
            ? [StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status429TooManyRequests, StatusCodes.Status500InternalServerError]
            : [StatusCodes.Status400BadRequest, StatusCodes.Status402PaymentRequired, StatusCodes.Status403Forbidden,
                StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status429TooManyRequests, StatusCodes.Status500InternalServerError];
        route.WithTags("Gemini").WithName(method.OperationId(version)).WithSummary(method.Summary).InDialect(Dialect.Gemini)
            .AcceptsJson(method.Request)
            .Produces(StatusCodes.Status200OK, method.Response, "application/json")
            .ProducesErrors<GoogleError>(refusals)
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                operation.Parameters!.Single(p => p.Name == "model").Description = ModelParameter;
                if (method.Name == GeminiApi.StreamGenerateContent)
                    DescribeStream(operation, context.Document!);
                return Task.CompletedTask;
            });
    }

    private const string ModelParameter =
        "Any name the router takes: `provider:model`, a bare model name, an alias, or `provider/model` (the slash URL-escaped or not).";

    /// <summary>One 200 in two forms: the array the events make (application/json, from the method's response type), or each event's data.</summary>
    private static void DescribeStream(OpenApiOperation operation, OpenApiDocument document)
    {
        operation.Responses!["200"].Content!["text/event-stream"] = new OpenApiMediaType
        {
            Schema = new OpenApiSchemaReference(nameof(GenerateContentResponse), document),
        };
        operation.Parameters!.Add(new OpenApiParameter
        {
            Name = "alt",
            In = ParameterLocation.Query,
            Description = "`sse`: server-sent events, one GenerateContentResponse per event. Without it: one JSON array of them.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["sse"] },
        });
    }

    private static Task DispatchAsync(string action, HttpContext context, InferenceRunner runner, TimeProvider time)
    {
        // models/{model}:{method}; the model itself may hold a colon (provider:model), the method never does.
        var colon = action.LastIndexOf(':');
        var (model, name) = colon > 0 ? (action[..colon], action[(colon + 1)..]) : (action, "");
        return Methods.FirstOrDefault(m => m.Name == name) is { } method
            ? method.Run(context, runner, time, Uri.UnescapeDataString(model))
            : DialectErrors.WriteAsync(context, Dialect.Gemini, 404, "not_found",
                $"'{name}' is not a model method this gateway serves; use {string.Join(", ", Methods.Select(m => m.Name))}");
    }
}

using System.Text.Json.Nodes;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.OpenAI;
using Gateway.Host.Features.Providers;

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
    /// <summary>A model's entry in Gemini's list; <c>name</c> is <c>models/{provider:model}</c>, which the actions accept as it is.</summary>
    internal sealed record GeminiModel(string Name, string BaseModelId, string DisplayName, IReadOnlyList<string> SupportedGenerationMethods);

    internal sealed record GeminiModelList(IReadOnlyList<GeminiModel> Models);

    private static readonly string[] Methods = ["generateContent", "streamGenerateContent", "countTokens", "embedContent", "batchEmbedContents"];

    /// <summary>What a chat model supports; the list shows these (the embedding methods need an embedding model).</summary>
    private static readonly string[] ChatMethods = ["generateContent", "streamGenerateContent", "countTokens"];

    public static void MapGeminiInference(this IEndpointRouteBuilder app)
    {
        foreach (var version in new[] { "v1beta", "v1" })
        {
            app.MapPost($"/{version}/models/{{**action}}", HandleAsync)
                .WithTags("Gemini").WithName(version == "v1" ? "geminiModelActionV1" : "geminiModelAction").InDialect(Dialect.Gemini)
                .WithSummary("generateContent, streamGenerateContent (?alt=sse or a JSON array), countTokens, embedContent or batchEmbedContents in Google's Gemini format: models/{model}:{method}")
                .AcceptsJson<GenerateContentRequest>().Produces<JsonObject>(StatusCodes.Status200OK, "application/json", "text/event-stream")
                .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
                .ProducesProblem(StatusCodes.Status402PaymentRequired).ProducesProblem(StatusCodes.Status403Forbidden)
                .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
                .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status500InternalServerError);
        }

        app.MapGet("/v1beta/models", (HttpContext context, ProviderRegistry registry, KeyDirectory directory) =>
                TypedResults.Ok(new GeminiModelList(Visible(context, registry, directory))))
            .WithTags("Gemini").WithName("geminiListModels").InDialect(Dialect.Gemini).WithSummary("Models the caller's key may use, in Gemini's list format")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status500InternalServerError);
        app.MapGet("/v1beta/models/{**name}", async (string name, HttpContext context, ProviderRegistry registry, KeyDirectory directory) =>
            {
                var id = name.StartsWith("models/", StringComparison.Ordinal) ? name["models/".Length..] : name;
                if (Visible(context, registry, directory).FirstOrDefault(m => string.Equals(m.BaseModelId, id, StringComparison.OrdinalIgnoreCase)) is { } model)
                    await TypedResults.Ok(model).ExecuteAsync(context);
                else
                    await DialectErrors.WriteAsync(context, Dialect.Gemini, 404, "model_not_found", $"models/{id} is not found, or this key may not use it");
            })
            .WithTags("Gemini").WithName("geminiGetModel").InDialect(Dialect.Gemini).WithSummary("One model in Gemini's format, if the caller's key may use it")
            .Produces<GeminiModel>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status500InternalServerError);
    }

    private static async Task HandleAsync(string action, HttpContext context, InferencePipeline pipeline, TimeProvider time)
    {
        // models/{model}:{method}; the model itself may hold a colon (provider:model), the method never does.
        var colon = action.LastIndexOf(':');
        var (model, method) = colon > 0 ? (Uri.UnescapeDataString(action[..colon]), action[(colon + 1)..]) : (action, "");
        if (!Methods.Contains(method))
        {
            await DialectErrors.WriteAsync(context, Dialect.Gemini, 404, "not_found",
                $"'{method}' is not a model method this gateway serves; use {string.Join(", ", Methods)}");
            return;
        }

        if (method is "embedContent" or "batchEmbedContents")
        {
            await pipeline.RunAsync(context, new GeminiEmbedExchange(model, batch: method == "batchEmbedContents"));
            return;
        }

        var sse = string.Equals(context.Request.Query["alt"], "sse", StringComparison.OrdinalIgnoreCase);
        var kind = method switch
        {
            "streamGenerateContent" => GeminiAction.StreamGenerateContent,
            "countTokens" => GeminiAction.CountTokens,
            _ => GeminiAction.GenerateContent,
        };
        var exchange = new GeminiExchange(model, kind, sse);
        if (kind == GeminiAction.CountTokens)
            await TokenCounting.HandleAsync(context, pipeline, exchange, time);
        else
            await pipeline.RunAsync(context, exchange);
    }

    private static List<GeminiModel> Visible(HttpContext context, ProviderRegistry registry, KeyDirectory directory) =>
        [.. ModelsEndpoint.Usable(context, registry, directory)
            .Select(x => new GeminiModel($"models/{x.Provider}:{x.Model}", $"{x.Provider}:{x.Model}", x.Model, ChatMethods))];
}

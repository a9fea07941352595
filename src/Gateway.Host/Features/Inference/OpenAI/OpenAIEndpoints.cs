using System.Text.Json.Nodes;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// The OpenAI dialect's inference endpoints; each request runs the shared <see cref="InferenceRunner"/>
/// with its API's client dialect.
/// </summary>
internal static class OpenAIEndpoints
{
    public static void MapOpenAIInference(this IEndpointRouteBuilder app)
    {
        Map(app, OpenAIApi.ChatCompletionsPath, time => new OpenAIChatDialect(time), "createChatCompletion",
                "Chat completion in the OpenAI format, streamed (SSE) or not, routed to the model's providers and key pools")
            .AcceptsJson<ChatCompletionRequest>()
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json", "text/event-stream");
        Map(app, OpenAIApi.EmbeddingsPath, _ => new OpenAIEmbeddingsDialect(), "createEmbedding", "Embeddings in the OpenAI format, routed like chat")
            .AcceptsJson<EmbeddingRequest>().Produces<JsonObject>();
        Map(app, OpenAIApi.ModerationsPath, _ => new OpenAIModerationsDialect(), "createModeration", "Moderation in the OpenAI format, passed through to an OpenAI-compatible provider")
            .AcceptsJson<ModerationRequest>().Produces<JsonObject>();
    }

    private static RouteHandlerBuilder Map(IEndpointRouteBuilder app, string path, Func<TimeProvider, ClientDialect> dialect, string name, string summary) =>
        app.MapPost("/v1/" + path, (HttpContext context, InferenceRunner runner, TimeProvider time) => runner.RunAsync(context, dialect(time)))
            .WithTags("OpenAI").WithName(name).WithSummary(summary).InDialect(Dialect.OpenAI)
            .ProducesErrors<OpenAIError>(StatusCodes.Status400BadRequest, StatusCodes.Status402PaymentRequired,
                StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status429TooManyRequests, StatusCodes.Status500InternalServerError);
}

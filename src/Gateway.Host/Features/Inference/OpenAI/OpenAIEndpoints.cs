using System.Text.Json.Nodes;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// The OpenAI dialect's inference endpoints; each request runs the shared <see cref="InferencePipeline"/>
/// with an <see cref="OpenAIExchange"/>.
/// </summary>
internal static class OpenAIEndpoints
{
    public static void MapOpenAIInference(this IEndpointRouteBuilder app)
    {
        Map(app, OpenAIExchange.Chat, "createChatCompletion", "Chat completion in the OpenAI format, streamed (SSE) or not, routed to the model's providers and key pools")
            .AcceptsJson<ChatCompletionRequest>()
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json", "text/event-stream");
        Map(app, OpenAIExchange.Embeddings, "createEmbedding", "Embeddings in the OpenAI format, routed like chat")
            .AcceptsJson<EmbeddingRequest>().Produces<JsonObject>();
        Map(app, OpenAIExchange.Moderations, "createModeration", "Moderation in the OpenAI format, passed through to an OpenAI-compatible provider")
            .AcceptsJson<ModerationRequest>().Produces<JsonObject>();
    }

    private static RouteHandlerBuilder Map(IEndpointRouteBuilder app, OpenAIExchange.Route route, string name, string summary) =>
        app.MapPost("/v1/" + route.Path, (HttpContext context, InferencePipeline pipeline, TimeProvider time) =>
                pipeline.RunAsync(context, new OpenAIExchange(route, time)))
            .WithTags("OpenAI").WithName(name).WithSummary(summary).InDialect(Dialect.OpenAI)
            .ProducesErrors<OpenAIError>(StatusCodes.Status400BadRequest, StatusCodes.Status402PaymentRequired,
                StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status429TooManyRequests, StatusCodes.Status500InternalServerError);
}

using System.Text.Json.Nodes;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.StoredResponses;

namespace Gateway.Host.Features.Inference.Responses;

/// <summary>
/// <c>POST /v1/responses</c>, what the OpenAI SDKs' <c>responses</c> clients, the Agents SDK and Codex CLI call. The
/// stored-state endpoints beside it (<c>GET</c>/<c>DELETE /v1/responses/{id}</c>, its input items, cancel) are the
/// StoredResponses feature's.
/// </summary>
internal static class ResponsesEndpoints
{
    public static void MapResponsesInference(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/responses", (HttpContext context, InferenceRunner runner, TimeProvider time, ResponseStore store, ResponseWriter writer, ILoggerFactory logs) =>
                runner.RunAsync(context, new OpenAIResponsesDialect(time, store, writer, logs.CreateLogger("Gateway.Responses"))))
            .WithTags(StoredResponseEndpoints.Tag)
            .WithName("createResponse")
            .WithSummary("A response in OpenAI's Responses format, streamed (SSE) or not: passed through to providers that serve the Responses API, translated for every other; stored unless store is false")
            .AcceptsJson<CreateResponseRequest>()
            .InDialect(Dialect.Responses)
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json", "text/event-stream")
            .ProducesErrors<OpenAIError>(StatusCodes.Status400BadRequest, StatusCodes.Status402PaymentRequired, StatusCodes.Status403Forbidden,
                StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status429TooManyRequests, StatusCodes.Status500InternalServerError);
}

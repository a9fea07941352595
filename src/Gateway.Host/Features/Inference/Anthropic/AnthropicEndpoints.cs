using System.Text.Json.Nodes;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.Inference.Anthropic;

/// <summary>
/// The Anthropic dialect: what Claude Code and the Anthropic SDKs call with <c>ANTHROPIC_BASE_URL</c>
/// pointed at the gateway. The key comes as <c>x-api-key</c> (or Bearer). <c>anthropic-version</c> and
/// <c>anthropic-beta</c> are accepted whatever they say: sent on to Anthropic upstreams, whose wire format
/// they choose, and ignored for the others, whose answers the gateway writes in the one format it knows.
/// </summary>
internal static class AnthropicEndpoints
{
    public static void MapAnthropicInference(this IEndpointRouteBuilder app)
    {
        Describe(app.MapPost("/v1/messages", (HttpContext context, InferenceRunner runner) => runner.RunAsync(context, new AnthropicMessagesDialect(context.Request)))
                .WithName("createMessage")
                .WithSummary("A message in Anthropic's Messages format, streamed (SSE) or not, routed to the model's providers and key pools"))
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json", "text/event-stream")
            .ProducesErrors<AnthropicError>(StatusCodes.Status402PaymentRequired, StatusCodes.Status429TooManyRequests);
        Describe(app.MapPost("/v1/messages/count_tokens", (HttpContext context, InferenceRunner runner, TimeProvider time) =>
                TokenCounting.HandleAsync(context, runner, new AnthropicCountTokensDialect(context.Request), time))
                .WithName("countMessageTokens")
                .WithSummary("The prompt's tokens: exact from Anthropic and Gemini upstreams; for OpenAI-compatible ones tokenized with OpenAI's tokenizer for its model families, estimated otherwise (x-gateway-token-count says which); never charged"))
            .Produces<JsonObject>();
    }

    private static RouteHandlerBuilder Describe(RouteHandlerBuilder route) =>
        route.WithTags("Anthropic").AcceptsJson<MessagesRequest>().InDialect(Dialect.Anthropic)
            .ProducesErrors<AnthropicError>(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status413PayloadTooLarge, StatusCodes.Status500InternalServerError);
}

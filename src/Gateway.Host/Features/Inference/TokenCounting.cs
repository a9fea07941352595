using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Providers.Protocols;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// Token counting (Anthropic's count_tokens, Gemini's countTokens): the prompt's tokens for the model
/// the request would reach. Anthropic and Gemini upstreams count exactly, over the keys of the first
/// target's type with the usual rotation. OpenAI-compatible APIs have no counting endpoint: for OpenAI's
/// own model families the gateway counts with the family's tokenizer (<see cref="OpenAITokenizers"/>),
/// for any other model it estimates (<see cref="TokenEstimate"/>). The header <c>x-gateway-token-count</c>
/// says which: <c>exact</c>, <c>tokenized</c> or <c>estimated</c>.
/// Counting produces nothing, so it is charged to no budget, counted against no rate limit and
/// recorded in no usage record.
/// </summary>
internal static class TokenCounting
{
    public const string CountHeader = "x-gateway-token-count";

    /// <summary>A dialect's counting request: its canonical form (for other upstreams) and its answer's shape.</summary>
    internal interface ICountingExchange
    {
        ChatRequest? Canonical { get; }

        JsonObject CountAnswer(int tokens);
    }

    public static async Task HandleAsync<T>(HttpContext context, InferencePipeline pipeline, T exchange, TimeProvider time)
        where T : InferenceExchange, ICountingExchange
    {
        var (body, targets) = await pipeline.AdmitAsync(context, exchange);
        if (body is null)
            return;

        var providers = pipeline.Registry.Providers;
        var kind = providers[targets[0].Provider].Kind;
        targets = [.. targets.Where(t => providers[t.Provider].Kind == kind)];
        if (exchange.Prepare(body, [.. targets.Select(t => (t, providers[t.Provider]))]) is { } refused)
        {
            await InferencePipeline.RefuseAsync(context, exchange.Dialect, refused.Status, refused.Code, refused.Message);
            return;
        }

        if (kind == ProviderKind.OpenAI)
        {
            var tokenized = OpenAITokenizers.CountPrompt(exchange.Canonical!, targets[0].Model);
            await AnswerAsync(context, tokenized is null ? "estimated" : "tokenized", exchange.CountAnswer(tokenized ?? TokenEstimate.Of(exchange.Canonical!)));
            return;
        }

        var result = await pipeline.Caller.CallAsync(targets, providers, exchange.Build, context.Principal().KeyId, 0, stream: false, context.RequestAborted);
        await result.Match(
            served => AnswerAsync(context, exchange, kind, served, time),
            failed => InferencePipeline.AnswerAsync(context, exchange, failed),
            exhausted => pipeline.AnswerAsync(context, exchange, exhausted, (string)body["model"]!));
    }

    private static async Task AnswerAsync<T>(HttpContext context, T exchange, ProviderKind kind, CallResult.Served served, TimeProvider time)
        where T : InferenceExchange, ICountingExchange
    {
        await using var answer = served;
        var bytes = await served.Response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        served.Provider.Pool.Succeed(served.Lease, 0, time.GetUtcNow());
        if (kind == exchange.NativeKind)
        {
            context.Response.Headers[CountHeader] = "exact";
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            return;
        }

        using var document = JsonDocument.Parse(bytes);
        var tokens = ((ITokenCountingProtocol)served.Provider.Protocol).ReadTokenCount(document.RootElement);
        await AnswerAsync(context, "exact", exchange.CountAnswer(tokens));
    }

    private static Task AnswerAsync(HttpContext context, string how, JsonObject answer)
    {
        context.Response.Headers[CountHeader] = how;
        return context.Response.WriteAsJsonAsync(answer, context.RequestAborted);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Providers.Protocols;

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

        var outcome = await pipeline.Caller.SendAsync(targets, providers, exchange.Build, context.Principal().KeyId, 0, stream: false, context.RequestAborted);
        if (outcome.Success is not { } success)
        {
            await pipeline.RefuseUpstreamAsync(context, exchange, outcome, (string)body["model"]!);
            return;
        }

        await using var served = success;
        var bytes = await success.Response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        success.Provider.Pool.Succeed(success.Lease, 0, time.GetUtcNow());
        if (kind == exchange.NativeKind)
        {
            context.Response.Headers[CountHeader] = "exact";
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            return;
        }

        using var answer = JsonDocument.Parse(bytes);
        var tokens = ((ITokenCountingProtocol)success.Provider.Protocol).ReadTokenCount(answer.RootElement);
        await AnswerAsync(context, "exact", exchange.CountAnswer(tokens));
    }

    private static Task AnswerAsync(HttpContext context, string how, JsonObject answer)
    {
        context.Response.Headers[CountHeader] = how;
        return context.Response.WriteAsJsonAsync(answer, context.RequestAborted);
    }
}

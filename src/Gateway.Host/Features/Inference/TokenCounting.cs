using Gateway.Domain.Chat;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Providers;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// Token counting (Anthropic's count_tokens, Gemini's countTokens): the prompt's tokens for the model the request would
/// reach. A provider that counts (<see cref="Capability.CountTokens"/>: Anthropic's and Gemini's) counts exactly, over
/// the keys of the first target's type with the usual rotation. For any other (OpenAI-compatible APIs have no counting
/// endpoint) the gateway counts: with the family's tokenizer for OpenAI's own model families
/// (<see cref="OpenAITokenizers"/>), by estimate for any other model (<see cref="TokenEstimate"/>). The header
/// <c>x-gateway-token-count</c> says which: <c>exact</c>, <c>tokenized</c> or <c>estimated</c>. Counting produces
/// nothing, so it is charged to no budget, counted against no rate limit and recorded in no usage record.
/// </summary>
internal static class TokenCounting
{
    public const string CountHeader = "x-gateway-token-count";

    public static async Task HandleAsync(HttpContext context, InferenceRunner runner, CountingDialect dialect, TimeProvider time)
    {
        var run = new InferenceRun(context, dialect, time.GetUtcNow());
        if (await runner.RouteAsync(run) is { } unrouted)
        {
            await DialectErrors.WriteAsync(context, dialect.Wire, unrouted);
            return;
        }

        var providers = runner.Registry.Providers;
        var first = providers[run.Targets[0].Provider];
        if (dialect.WayTo(first, run.Targets[0]).Refused(out _, out var way))
        {
            await CountHereAsync(context, dialect, run.Targets[0].Model);
            return;
        }

        var targets = run.Targets.Where(t => providers[t.Provider] is { } p && p.Kind == first.Kind && p.Capabilities.HasFlag(Capability.CountTokens)).ToList();
        if (dialect.Prepare(translating: first.Kind != dialect.Native) is { } refused)
        {
            await DialectErrors.WriteAsync(context, dialect.Wire, refused);
            return;
        }

        var result = await runner.Caller.CallAsync(targets, providers, way.Request, run.Principal.KeyId, 0, stream: false, context.RequestAborted);
        await result.Match(
            async served =>
            {
                await using var answer = served;
                served.Provider.Pool.Succeed(served.Lease, 0, time.GetUtcNow());
                context.Response.Headers[CountHeader] = "exact";
                await way.RelayAsync(context.Response, served, 0, run.Clock, context.RequestAborted);
            },
            failed => InferenceRunner.AnswerAsync(context, dialect, failed),
            exhausted => runner.AnswerAsync(context, dialect, exhausted));
    }

    /// <summary>Where no provider counts: tokenized for OpenAI's own model families, estimated for any other.</summary>
    private static async Task CountHereAsync(HttpContext context, CountingDialect dialect, string model)
    {
        if (dialect.Prepare(translating: true) is { } refused)
        {
            await DialectErrors.WriteAsync(context, dialect.Wire, refused);
            return;
        }

        var tokenized = OpenAITokenizers.CountPrompt(dialect.Canonical!, model);
        context.Response.Headers[CountHeader] = tokenized is null ? "estimated" : "tokenized";
        await context.Response.WriteAsJsonAsync(dialect.CountAnswer(tokenized ?? TokenEstimate.Of(dialect.Canonical!)), context.RequestAborted);
    }
}

using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Budgets;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.Looping;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Upstreams;
using Gateway.Host.Features.Upstreams.Sharing;
using Gateway.Host.Features.Usage;
using Gateway.Host.Http;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// Every inference request, whatever its client dialect, takes these steps in this order: read the body, resolve the
/// model to its targets, keep those the key may use, that are priced when pricing is required and that serve what the
/// request needs, the caller's rate limits, budget admission, the call (key rotation and fallback), the relay of the
/// answer, then settle the key's lease, charge the budgets and record the usage. Refusals are written in the client's
/// dialect. The dialect supplies only what differs (<see cref="ClientDialect"/>).
/// </summary>
internal sealed partial class InferenceRunner(
    ProviderRegistry registry, KeyDirectory directory, CallerLimits limits, UpstreamCaller caller, UsageLog log, Spending spending, TranslationSettings translation,
    BodyLimits bodyLimits, IEnumerable<IChatLoopSource> loopSources, SharedQuotas quotas, TimeProvider time)
{
    public ProviderRegistry Registry => registry;

    public UpstreamCaller Caller => caller;

    public async Task RunAsync(HttpContext context, ClientDialect dialect)
    {
        var run = new InferenceRun(context, dialect, time.GetUtcNow());
        var refusal = await RouteAsync(run);
        refusal ??= ChooseLoop(run);
        refusal ??= Priced(run);
        refusal ??= Strict(run);
        refusal ??= Reach(run);
        refusal ??= await LimitAsync(run);
        refusal ??= await AdmitToBudgetsAsync(run);
        if (run.Loop is { } unused && (refusal is not null || !run.Targets.Any(t => Looped(run, registry.Providers[t.Provider].Kind))))
        {
            // Refused, or every target left passes the request through: the loop has nothing to run.
            await unused.DisposeAsync();
            run.Loop = null;
        }

        if (refusal is not null)
        {
            await DialectErrors.WriteAsync(context, dialect.Wire, refusal);
            return;
        }

        if (run.Loop is { } loop)
        {
            await LoopAsync(run, (ChatDialect)dialect, loop);
            return;
        }

        var result = await caller.CallAsync(run.Targets, registry.Providers, run.Request, run.Principal.KeyId, run.Estimate, dialect.Stream, context.RequestAborted);
        var record = run.Record();
        await result.Match(
            served => ServeAsync(run, served, record),
            async failed =>
            {
                await AnswerAsync(context, dialect, failed);
                BudgetLedger.Release(run.Admission);
                log.Record(record.Finish(failed.Status, run.Clock, failed.Attempts, failed.Provider.Name, failed.Target.Model));
            },
            async exhausted =>
            {
                await AnswerAsync(context, dialect, exhausted);
                BudgetLedger.Release(run.Admission);
                log.Record(record.Finish(429, run.Clock, exhausted.Attempts));
            });
    }

    /// <summary>Relays a served answer, then settles the key's lease, charges the budgets and records the usage.</summary>
    private async Task ServeAsync(InferenceRun run, CallResult.Served served, InferenceRecordBuilder record)
    {
        await using var answer = served;
        RelayResult relayed;
        try
        {
            relayed = await run.Ways[served.Provider.Name].RelayAsync(run.Context.Response, served, run.Estimate, run.Clock, run.Context.RequestAborted, run.Dialect.Keeper);
        }
        catch
        {
            // InferenceFaults answers the client.
            Abandon(run, served, record);
            throw;
        }

        Finish(run, served, relayed, record);
    }

    /// <summary>After a served call's answer was relayed: settles the key's lease, charges the rate limits and the budgets, records the usage.</summary>
    private void Finish(InferenceRun run, CallResult.Served served, RelayResult relayed, InferenceRecordBuilder record)
    {
        var tokens = (relayed.Usage?.PromptTokens ?? 0) + (relayed.Usage?.CompletionTokens ?? 0);
        var attempts = Settle(served, relayed, tokens);
        limits.Charge(run.Principal.KeyId ?? "", directory.RateLimits(run.Principal.KeyId).Tpm, tokens, run.Estimate, time.GetUtcNow());
        var priced = log.Priced(record.Finish(
            relayed.Status, run.Clock, attempts, served.Provider.Name, served.Target.Model, served.Key.Id, relayed.Usage, relayed.UsageEstimated,
            relayed.TimeToFirstTokenMs, relayed.ClientLeft));
        log.Record(priced with { Charges = BudgetLedger.Settle(run.Admission, run.Principal, served.Provider.Name, served.Target.Model, priced.Spend) });
    }

    /// <summary>A relay that failed in the gateway itself: the key's lease, the budget hold and the record are settled, so none is left behind.</summary>
    private void Abandon(InferenceRun run, CallResult.Served served, InferenceRecordBuilder record)
    {
        served.Provider.Pool.Abandon(served.Lease);
        BudgetLedger.Release(run.Admission);
        log.Record(record.Finish(500, run.Clock, served.Attempts, served.Provider.Name, served.Target.Model, served.Key.Id));
    }

    /// <summary>
    /// Releases the key's lease as the answer ended, and returns the attempts as the record keeps them. A
    /// client that left says nothing of the key. A stall counts against the key as a transient failure, as
    /// an upstream that never answered does: one is forgiven, repeated ones bench the key on the cooldown
    /// ladder, so that a hung upstream stops taking requests; its tokens still count in the key's windows.
    /// </summary>
    private IReadOnlyList<AttemptRecord> Settle(CallResult.Served served, RelayResult relayed, int tokens)
    {
        var pool = served.Provider.Pool;
        var attempts = served.Attempts;
        if (relayed.End == RelayEnd.ClientLeft)
        {
            pool.Abandon(served.Lease);
            return attempts;
        }

        if (relayed.End != RelayEnd.UpstreamStalled)
        {
            pool.Succeed(served.Lease, tokens, time.GetUtcNow());
            return attempts;
        }

        var detail = $"no bytes for {served.Provider.StreamIdleTimeout.TotalSeconds:0} s after the stream began";
        caller.Fail(served.Provider, served.Lease, new UpstreamFailure(FailureKind.Transient, null, null, $"stream stalled: {detail}"), tokens);
        return [.. attempts.SkipLast(1), attempts[^1] with { Outcome = "stream_idle_timeout", Detail = detail }];
    }

    /// <summary>Every key of every target is out: 429 with Retry-After, when the first of them frees up.</summary>
    public Task AnswerAsync(HttpContext context, ClientDialect dialect, CallResult.Exhausted exhausted)
    {
        var wait = exhausted.RetryAt is { } at ? Math.Max(1, (int)Math.Ceiling((at - time.GetUtcNow()).TotalSeconds)) : 60;
        return DialectErrors.WriteAsync(context, dialect.Wire, new Refusal(429, "all_keys_exhausted",
            $"every upstream key for '{dialect.Model}' is rate limited, out of quota or disabled ({exhausted.Reason}); retry in {wait} s",
            RetryAfterSeconds: wait));
    }

    /// <summary>An upstream error: passed through as it came when the upstream speaks the client's wire format, translated otherwise.</summary>
    public static async Task AnswerAsync(HttpContext context, ClientDialect dialect, CallResult.Failed failed)
    {
        if (failed.Provider.Kind == dialect.Native)
        {
            context.Response.StatusCode = failed.Status;
            context.Response.ContentType = failed.ContentType ?? "application/json";
            await context.Response.Body.WriteAsync(failed.Body, context.RequestAborted);
            return;
        }

        var error = failed.Provider.Protocol.ReadError(failed.Body);
        await DialectErrors.WriteAsync(context, dialect.Wire, DialectErrors.StatusOf(dialect.Wire, failed.Status), error.Code, error.Message);
    }
}

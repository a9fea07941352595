using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Budgets;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Upstreams;
using Gateway.Host.Features.Usage;
using Gateway.Host.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// Every inference request, whatever its dialect, takes these steps in this order: read the body,
/// resolve the model to its targets, keep those the key may use (and that are priced when pricing is
/// required), the caller's rate limits, budget admission, the upstream call with key rotation and
/// fallback, then settle the key lease, charge budgets and record usage. Refusals are written in the
/// client's dialect. The dialect supplies only what differs (<see cref="InferenceExchange"/>).
/// </summary>
internal sealed class InferencePipeline(
    ProviderRegistry registry, KeyDirectory directory, CallerLimits limits, UpstreamCaller caller, UsageLog log, Spending spending, TranslationSettings translation,
    BodyLimits bodyLimits, TimeProvider time)
{
    public ProviderRegistry Registry => registry;

    public UpstreamCaller Caller => caller;

    public async Task RunAsync(HttpContext context, InferenceExchange exchange)
    {
        var clock = Stopwatch.StartNew();
        var startedAt = time.GetUtcNow();
        var principal = context.Principal();
        var ct = context.RequestAborted;

        var (body, targets) = await AdmitAsync(context, exchange);
        if (body is null)
            return;

        targets = spending.Priced(targets, startedAt);
        if (targets.Count == 0)
        {
            await RefuseAsync(context, exchange.Dialect, 403, "model_not_priced", $"'{(string)body["model"]!}' has no price and this gateway requires one (require_pricing); ask an operator to set it with POST /v1/pricing");
            return;
        }

        if (translation.Strict && Untranslatable(exchange, body, targets) is { } strict)
        {
            await RefuseAsync(context, exchange.Dialect, 400, "invalid_request_error", strict);
            return;
        }

        if (exchange.Prepare(body, [.. targets.Select(t => (t, registry.Providers[t.Provider]))]) is { } refused)
        {
            await RefuseAsync(context, exchange.Dialect, refused.Status, refused.Code, refused.Message);
            return;
        }

        var maxOutput = exchange.MaxOutputTokens(body);
        var estimate = EstimateTokens(body, context.Request.ContentLength, maxOutput);
        var (rpm, tpm) = directory.RateLimits(principal.KeyId);
        if (limits.TryAdmit(principal.KeyId ?? "", rpm, tpm, estimate, time.GetUtcNow()) is { } limited)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling((limited.RetryAt - time.GetUtcNow()).TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await RefuseAsync(context, exchange.Dialect, 429, "rate_limit_exceeded", $"{limited.Reason}; retry in {seconds} s");
            return;
        }

        var (admission, refusal) = await spending.AdmitAsync(context, principal, targets, body, maxOutput, startedAt);
        if (admission is null)
        {
            await RefuseAsync(context, exchange.Dialect, refusal!.Status, refusal.Code, refusal.Message);
            return;
        }

        var requested = (string)body["model"]!;
        var result = await caller.CallAsync(targets, registry.Providers, exchange.Build, principal.KeyId, estimate, exchange.Stream, ct);
        var record = new InferenceRecordBuilder(principal, exchange.Dialect.ToString().ToLowerInvariant(), exchange.Endpoint, requested, exchange.Stream, startedAt, context.TraceIdentifier);
        await result.Match(
            served => ServeAsync(context, exchange, served, admission, record, estimate, clock),
            async failed =>
            {
                await AnswerAsync(context, exchange, failed);
                BudgetLedger.Release(admission);
                log.Record(record.Finish(failed.Status, clock, failed.Attempts, failed.Provider.Name, failed.Target.Model));
            },
            async exhausted =>
            {
                await AnswerAsync(context, exchange, exhausted, requested);
                BudgetLedger.Release(admission);
                log.Record(record.Finish(429, clock, exhausted.Attempts));
            });
    }

    /// <summary>Relays a served answer, then settles the key's lease, charges the budgets and records the usage.</summary>
    private async Task ServeAsync(
        HttpContext context, InferenceExchange exchange, CallResult.Served served, BudgetLedger.Admission admission, InferenceRecordBuilder record, int estimate, Stopwatch clock)
    {
        await using var answer = served;
        InferenceExchange.Relayed relayed;
        try
        {
            relayed = await exchange.RelayAsync(context, served, estimate, clock, context.RequestAborted);
        }
        catch
        {
            // InferenceFaults answers the client; the key's lease, the budget hold and the record are settled here, so none is left behind.
            served.Provider.Pool.Abandon(served.Lease);
            BudgetLedger.Release(admission);
            log.Record(record.Finish(500, clock, served.Attempts, served.Provider.Name, served.Target.Model, served.Key.Id));
            throw;
        }

        var principal = context.Principal();
        var tokens = (relayed.Usage?.PromptTokens ?? 0) + (relayed.Usage?.CompletionTokens ?? 0);
        var attempts = Settle(served, relayed, tokens);
        limits.Charge(principal.KeyId ?? "", tokens, time.GetUtcNow());
        var priced = log.Priced(record.Finish(
            relayed.Status, clock, attempts, served.Provider.Name, served.Target.Model, served.Key.Id, relayed.Usage, relayed.UsageEstimated,
            relayed.TimeToFirstTokenMs, relayed.ClientCancelled));
        log.Record(priced with { Charges = BudgetLedger.Settle(admission, principal, served.Provider.Name, served.Target.Model, priced.Spend) });
    }

    /// <summary>
    /// Releases the key's lease as the answer ended, and returns the attempts as the record keeps them. A
    /// client that left says nothing of the key. A stall counts against the key as a transient failure, as
    /// an upstream that never answered does: one is forgiven, repeated ones bench the key on the cooldown
    /// ladder, so that a hung upstream stops taking requests; its tokens still count in the key's windows.
    /// </summary>
    private IReadOnlyList<AttemptRecord> Settle(CallResult.Served success, InferenceExchange.Relayed relayed, int tokens)
    {
        var attempts = success.Attempts;
        var pool = success.Provider.Pool;
        if (relayed.End == RelayEnd.ClientLeft)
        {
            pool.Abandon(success.Lease);
            return attempts;
        }

        if (relayed.End != RelayEnd.UpstreamStalled)
        {
            pool.Succeed(success.Lease, tokens, time.GetUtcNow());
            return attempts;
        }

        var detail = $"no bytes for {success.Provider.StreamIdleTimeout.TotalSeconds:0} s after the stream began";
        pool.Fail(success.Lease, new UpstreamFailure(FailureKind.Transient, null, null, $"stream stalled: {detail}"), time.GetUtcNow(), tokens);
        return [.. attempts.SkipLast(1), attempts[^1] with { Outcome = "stream_idle_timeout", Detail = detail }];
    }

    /// <summary>
    /// The steps every model request starts with, token counting included: the body, the model's
    /// targets, and those this key may use. Null body when it was refused (the answer is written).
    /// </summary>
    public async Task<(JsonObject? Body, IReadOnlyList<RouteTarget> Targets)> AdmitAsync(HttpContext context, InferenceExchange exchange)
    {
        var (body, unreadable) = await ReadAsync(context.Request, exchange, context.RequestAborted);
        if (body is null)
        {
            await DialectErrors.WriteAsync(context, exchange.Dialect, unreadable!.Status, unreadable.Code, unreadable.Message, unreadable.Fields);
            return (null, []);
        }

        var requested = (string)body["model"]!;
        var (targets, routeError) = registry.Router.Resolve(requested);
        if (routeError is not null)
        {
            await RefuseAsync(context, exchange.Dialect, 404, "model_not_found", routeError);
            return (null, []);
        }

        var principal = context.Principal();
        targets = [.. targets.Where(t => directory.MayUse(principal, t.Provider, t.Model))];
        if (targets.Count == 0)
        {
            await RefuseAsync(context, exchange.Dialect, 403, "model_not_allowed", $"this key may not use the model '{requested}'");
            return (null, []);
        }

        return (body, targets);
    }

    /// <summary>Every key of every target is out: 429 with Retry-After, when the first of them frees up.</summary>
    public async Task AnswerAsync(HttpContext context, InferenceExchange exchange, CallResult.Exhausted exhausted, string requested)
    {
        var wait = exhausted.RetryAt is { } at ? Math.Max(1, (int)Math.Ceiling((at - time.GetUtcNow()).TotalSeconds)) : 60;
        context.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
        await RefuseAsync(context, exchange.Dialect, 429, "all_keys_exhausted", $"every upstream key for '{requested}' is rate limited, out of quota or disabled ({exhausted.Reason}); retry in {wait} s");
    }

    /// <summary>An upstream error: passed through as it came when the upstream speaks the client's dialect, translated otherwise.</summary>
    public static async Task AnswerAsync(HttpContext context, InferenceExchange exchange, CallResult.Failed failed)
    {
        if (failed.Provider.Kind == exchange.NativeKind)
        {
            context.Response.StatusCode = failed.Status;
            context.Response.ContentType = failed.ContentType ?? "application/json";
            await context.Response.Body.WriteAsync(failed.Body, context.RequestAborted);
            return;
        }

        var text = failed.Provider.Protocol.ReadError(failed.Body);
        await RefuseAsync(context, exchange.Dialect, exchange.ErrorStatus(failed.Status), text.Code, text.Message);
    }

    /// <summary>With strict translation on: why a request cannot go to a target of another dialect without losing fields, or null.</summary>
    private string? Untranslatable(InferenceExchange exchange, JsonObject body, IReadOnlyList<RouteTarget> targets)
    {
        var translated = targets.FirstOrDefault(t => registry.Providers[t.Provider].Kind != exchange.NativeKind);
        if (translated is null || exchange.Unmapped(body) is not { Count: > 0 } unmapped)
            return null;
        var kind = registry.Providers[translated.Provider].Kind.ToString().ToLowerInvariant();
        return $"strict translation is on, and {string.Join(", ", unmapped)} cannot be carried to {translated} ({kind}), which speaks another dialect; "
            + $"remove {(unmapped.Count == 1 ? "it" : "them")}, or ask for a model of a {exchange.NativeKind.ToString().ToLowerInvariant()} provider";
    }

    public static Task RefuseAsync(HttpContext context, Dialect dialect, int status, string code, string message) =>
        DialectErrors.WriteAsync(context, dialect, status, code, message);

    /// <summary>
    /// The body as JSON, checked by the dialect's validator, or why it cannot be admitted: not JSON (by its
    /// Content-Type or its bytes), over <c>max_request_body_mb</c> (413), or fields the dialect refuses.
    /// </summary>
    private async Task<(JsonObject? Body, InferenceExchange.Refusal? Refusal)> ReadAsync(HttpRequest request, InferenceExchange exchange, CancellationToken ct)
    {
        static InferenceExchange.Refusal Invalid(string message, IReadOnlyList<FieldProblem>? fields = null) => new(400, "invalid_request_error", message, fields);

        // No Content-Type at all is read as JSON, as the upstream APIs do; another type is a mistake worth naming.
        if (request.ContentType is { } type && !IsJson(type))
            return (null, Invalid($"the request body must be JSON, sent with Content-Type: application/json (not '{type}')"));
        if (await BoundedBody.ReadAsync(request, bodyLimits.Bytes, ct) is not { } bytes)
        {
            return (null, new InferenceExchange.Refusal(413, "request_too_large",
                $"the request body is larger than {bodyLimits.Megabytes} MiB, this gateway's limit (max_request_body_mb)"));
        }

        if (bytes.IsEmpty)
            return (null, Invalid("the request body is empty; send a JSON object"));
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes.Span, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            return (null, Invalid(e.LineNumber is { } line
                ? $"the request body is not valid JSON (line {line + 1}, byte {e.BytePositionInLine + 1})"
                : $"the request body is not valid JSON: {e.Message}"));
        }

        if (node is not JsonObject body)
            return (null, Invalid("the request body must be a JSON object"));
        if (exchange.PathModel is { } pathModel)
            body["model"] = pathModel;
        List<FieldProblem> problems = body["model"]?.GetValueKind() == JsonValueKind.String && !string.IsNullOrWhiteSpace((string?)body["model"])
            ? []
            : [new FieldProblem("model", "is required (the model's name, a string)")];
        problems.AddRange(exchange.Validate(body));
        return problems.Count == 0 ? (body, null) : (null, Invalid(FieldProblem.Describe(problems), problems));
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A rough count for tokens-per-minute checks: about four characters a token, plus the output cap.
    /// The body's length comes from Content-Length when sent, sparing a second serialisation per request.
    /// </summary>
    private static int EstimateTokens(JsonObject body, long? contentLength, int? maxOutput)
    {
        var prompt = (int)((contentLength ?? body.ToJsonString().Length) / 4);
        var output = maxOutput ?? 0;
        return prompt + output;
    }
}

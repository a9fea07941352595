using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Upstreams.Sharing;
using Gateway.Host.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.Host.Features.Inference;

/// <summary>The steps before the call: each either narrows the run or refuses it.</summary>
internal sealed partial class InferenceRunner
{
    /// <summary>
    /// The steps every model request starts with, token counting included: the body, the model's targets, and those
    /// this key may use.
    /// </summary>
    public async Task<Refusal?> RouteAsync(InferenceRun run)
    {
        var read = await ReadAsync(run.Context.Request, run.Dialect, run.Context.RequestAborted);
        if (read.Refused(out var unreadable, out var body))
            return unreadable;
        run.Dialect.Accept(body);
        if (await run.Dialect.ExpandAsync(run.Principal, run.Context.RequestAborted) is { } incomplete)
            return incomplete;
        var (targets, routeError) = registry.Router.Resolve(run.Dialect.Model);
        if (routeError is not null)
            return new Refusal(404, "model_not_found", routeError);
        run.Targets = [.. targets.Where(t => directory.MayUse(run.Principal, t.Provider, t.Model))];
        return run.Targets.Count == 0 ? new Refusal(403, "model_not_allowed", $"this key may not use the model '{run.Dialect.Model}'") : null;
    }

    /// <summary>Whether the request runs as a loop, by the first loop source that takes it; a chat request only.</summary>
    private Refusal? ChooseLoop(InferenceRun run)
    {
        if (run.Dialect is not ChatDialect chat)
            return null;
        // Deferred: most requests name no tool, and their loop source never looks.
        var kinds = run.Targets.Select(t => registry.Providers[t.Provider].Kind);
        foreach (var source in loopSources)
        {
            if (source.For(chat, run.Principal, run.Context.TraceIdentifier, kinds) is not { } chosen)
                continue;
            if (chosen.Refused(out var refusal, out var loop))
                return refusal;
            run.Loop = loop;
            return null;
        }

        return null;
    }

    private Refusal? Priced(InferenceRun run)
    {
        run.Targets = spending.Priced(run.Targets, run.StartedAt);
        return run.Targets.Count > 0 ? null : new Refusal(403, "model_not_priced",
            $"'{run.Dialect.Model}' has no price and this gateway requires one (require_pricing); ask an operator to set it with POST /v1/pricing");
    }

    /// <summary>With strict translation on: a request that cannot go to a target of another wire format without losing fields.</summary>
    private Refusal? Strict(InferenceRun run)
    {
        var dialect = run.Dialect;
        if (!translation.Strict)
            return null;
        var translated = run.Targets.FirstOrDefault(t => !PassesThrough(run, registry.Providers[t.Provider]));
        if (translated is null || dialect.Unmapped is not { Count: > 0 } unmapped)
            return null;
        var kind = registry.Providers[translated.Provider].Kind.ToString().ToLowerInvariant();
        return Refusal.InvalidRequest(
            $"strict translation is on, and {string.Join(", ", unmapped)} cannot be carried to {translated} ({kind}), which speaks another dialect; "
            + $"remove {(unmapped.Count == 1 ? "it" : "them")}, or ask for a model of a {dialect.Native.ToString().ToLowerInvariant()} provider");
    }

    /// <summary>
    /// Keeps the targets whose provider serves what the request needs, by a way the dialect has to the provider's
    /// protocol, and readies the request for them (the canonical form, when one is translated); with none left, the
    /// first one's refusal says why: a 501, or the 400 of a provider-native tool that a target of another kind cannot
    /// run and no loop runs in its place.
    /// </summary>
    private Refusal? Reach(InferenceRun run)
    {
        Refusal? unserved = null;
        var reachable = new List<RouteTarget>(run.Targets.Count);
        foreach (var target in run.Targets)
        {
            var provider = registry.Providers[target.Provider];
            if (NativeToolUnserved(run, provider, target) is { } native)
            {
                unserved ??= native;
                continue;
            }

            if (run.Dialect.WayTo(provider, target, canonical: !PassesThrough(run, provider)).Refused(out var refusal, out var way))
            {
                unserved ??= refusal;
                continue;
            }

            run.Ways.TryAdd(provider.Name, way);
            reachable.Add(target);
        }

        if (reachable.Count == 0)
            return unserved;
        run.Targets = reachable;
        return run.Dialect.Prepare(translating: reachable.Any(t => !PassesThrough(run, registry.Providers[t.Provider])));
    }

    /// <summary>Whether calls to a provider of this kind run the request's loop (else they are one call, passed through or translated).</summary>
    private static bool Looped(InferenceRun run, ProviderKind kind) => run.Loop is { } loop && loop.PassedThrough != kind;

    /// <summary>
    /// Whether calls to this provider get the client's body as it came: one that serves the client's own API
    /// (<see cref="ClientDialect.SpeaksNatively"/>), for a request that runs no loop there and echoes nothing of the
    /// gateway's (which that provider never issued).
    /// </summary>
    private static bool PassesThrough(InferenceRun run, Provider provider) =>
        run.Dialect.SpeaksNatively(provider) && !Looped(run, provider.Kind) && run.Dialect is not ChatDialect { EchoesGatewayTools: true };

    /// <summary>
    /// A provider-native tool (Anthropic's web search, Gemini's googleSearch, ...) goes only to a provider of its own
    /// kind, unless a loop runs the gateway's tool in its place (<c>tools.intercept_native</c>); the canonical form
    /// cannot carry it, and a target that would drop it silently would answer another question.
    /// </summary>
    private static Refusal? NativeToolUnserved(InferenceRun run, Provider provider, RouteTarget target)
    {
        var kind = provider.Kind;
        if (PassesThrough(run, provider) || Looped(run, kind) || run.Dialect is not ChatDialect { NativeTools: [var native, ..] })
            return null;
        var wire = run.Dialect.Native.ToString().ToLowerInvariant();
        var why = kind == run.Dialect.Native
            ? $"which cannot pass through to {target} in a conversation that echoes the gateway's own tool blocks; "
            : $"which {target} ({kind.ToString().ToLowerInvariant()}) cannot run; ";
        return new Refusal(400, "native_tool_unsupported",
            $"{native.Entry} is {run.Dialect.Native}'s own tool, {why}"
            + $"the gateway runs its {GatewayToolNames.Type(native.StandIn.Kind)} in its place only with tools.intercept_native: true and that tool enabled and allowed to this key (GET /v1/tools); "
            + $"or ask for a model of a {wire} provider");
    }

    /// <summary>The key's own requests- and tokens-per-minute: 429 with Retry-After.</summary>
    private Task<Refusal?> LimitAsync(InferenceRun run)
    {
        run.Estimate = EstimateTokens(run.Dialect.PromptBytes(run.Context.Request.ContentLength), run.Dialect);
        return LimitCallAsync(run);
    }

    /// <summary>One call's admission to the key's rate limits, at the run's current estimate, leasing the key's share of them first when it lacks one.</summary>
    private async Task<Refusal?> LimitCallAsync(InferenceRun run)
    {
        var (rpm, tpm) = directory.RateLimits(run.Principal.KeyId);
        var keyId = run.Principal.KeyId ?? "";
        var limited = limits.TryAdmit(keyId, rpm, tpm, run.Estimate, time.GetUtcNow());
        for (var round = 0; limited?.Wants is { } wants && round < SharedQuotas.LeaseRounds; round++)
        {
            await quotas.LeaseAsync(wants, (want, grant) => limits.Granted(want, grant, time.GetUtcNow()), run.Context.RequestAborted);
            limited = limits.TryAdmit(keyId, rpm, tpm, run.Estimate, time.GetUtcNow());
        }

        if (limited is null)
            return null;
        var seconds = Math.Max(1, (int)Math.Ceiling((limited.RetryAt - time.GetUtcNow()).TotalSeconds));
        return new Refusal(429, "rate_limit_exceeded", $"{limited.Reason}; retry in {seconds} s", RetryAfterSeconds: seconds);
    }

    private async Task<Refusal?> AdmitToBudgetsAsync(InferenceRun run)
    {
        var promptBytes = run.Dialect.PromptBytes(run.Context.Request.ContentLength) ?? run.Dialect.Body.ToJsonString().Length;
        var admitted = await spending.AdmitAsync(run.Principal, run.Targets, promptBytes, run.Dialect.MaxOutputTokens, run.StartedAt, run.Context.RequestAborted);
        if (admitted.Refused(out var refusal, out var admission))
            return refusal;
        run.Admission = admission;
        return null;
    }

    /// <summary>
    /// The body as JSON, checked by the dialect's validator, or why it cannot be admitted: not JSON (by its
    /// Content-Type or its bytes), over <c>max_request_body_mb</c> (413), or fields the dialect refuses.
    /// </summary>
    private async Task<RefusalOr<JsonObject>> ReadAsync(HttpRequest request, ClientDialect dialect, CancellationToken ct)
    {
        // No Content-Type at all is read as JSON, as the upstream APIs do; another type is a mistake worth naming.
        if (request.ContentType is { } type && !IsJson(type))
            return Refusal.InvalidRequest($"the request body must be JSON, sent with Content-Type: application/json (not '{type}')");
        if (await BoundedBody.ReadAsync(request, bodyLimits.Bytes, ct) is not { } bytes)
            return new Refusal(413, "request_too_large", $"the request body is larger than {bodyLimits.Megabytes} MiB, this gateway's limit (max_request_body_mb)");
        if (bytes.IsEmpty)
            return Refusal.InvalidRequest("the request body is empty; send a JSON object");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes.Span, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            return Refusal.InvalidRequest(e.LineNumber is { } line
                ? $"the request body is not valid JSON (line {line + 1}, byte {e.BytePositionInLine + 1})"
                : $"the request body is not valid JSON: {e.Message}");
        }

        if (node is not JsonObject body)
            return Refusal.InvalidRequest("the request body must be a JSON object");
        if (dialect.PathModel is { } pathModel)
            body["model"] = pathModel;
        List<FieldProblem> problems = body["model"]?.GetValueKind() == JsonValueKind.String && !string.IsNullOrWhiteSpace((string?)body["model"])
            ? []
            : [new FieldProblem("model", "is required (the model's name, a string)")];
        problems.AddRange(dialect.Validate(body));
        return problems.Count == 0 ? body : Refusal.InvalidRequest(FieldProblem.Describe(problems), problems);
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A rough count for tokens-per-minute checks: about four characters a token, plus the output cap.
    /// The body's length comes from Content-Length when sent, sparing a second serialisation per request.
    /// </summary>
    private static int EstimateTokens(long? contentLength, ClientDialect dialect)
    {
        var prompt = (int)((contentLength ?? dialect.Body.ToJsonString().Length) / 4);
        return prompt + (dialect.MaxOutputTokens ?? 0);
    }
}

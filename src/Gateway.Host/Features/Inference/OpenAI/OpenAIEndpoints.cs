using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Embeddings;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Budgets;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Usage;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// The OpenAI dialect's inference endpoints. To OpenAI-compatible upstreams the body passes through
/// untouched but for the model name (unknown fields kept); streams are relayed event by event.
/// </summary>
internal static class OpenAIEndpoints
{
    private const int MaxBodyBytes = 32 * 1024 * 1024;

    /// <summary>One endpoint: its path below /v1, the field it cannot do without, whether it streams.</summary>
    private sealed record Route(string Path, string RequiredField, bool Streams);

    private static readonly Route Chat = new("chat/completions", "messages", Streams: true);
    private static readonly Route Embeddings = new("embeddings", "input", Streams: false);
    private static readonly Route Moderations = new("moderations", "input", Streams: false);

    public static void MapOpenAIInference(this IEndpointRouteBuilder app)
    {
        Map(app, Chat, "createChatCompletion", "Chat completion in the OpenAI format, streamed (SSE) or not, routed to the model's providers and key pools")
            .Accepts<ChatCompletionRequest>("application/json")
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json", "text/event-stream");
        Map(app, Embeddings, "createEmbedding", "Embeddings in the OpenAI format, routed like chat")
            .Accepts<EmbeddingRequest>("application/json").Produces<JsonObject>();
        Map(app, Moderations, "createModeration", "Moderation in the OpenAI format, passed through to an OpenAI-compatible provider")
            .Accepts<ModerationRequest>("application/json").Produces<JsonObject>();
    }

    private static RouteHandlerBuilder Map(IEndpointRouteBuilder app, Route route, string name, string summary) =>
        app.MapPost("/v1/" + route.Path, (HttpContext c, ProviderRegistry r, KeyDirectory d, CallerLimits l, UpstreamCaller u, UsageLog g, Spending s, TimeProvider t) =>
                HandleAsync(route, c, r, d, l, u, g, s, t))
            .WithTags("OpenAI").WithName(name).WithSummary(summary)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status500InternalServerError);

    private static async Task HandleAsync(
        Route route, HttpContext context, ProviderRegistry registry, KeyDirectory directory, CallerLimits limits, UpstreamCaller caller, UsageLog log,
        Spending spending, TimeProvider time)
    {
        var clock = Stopwatch.StartNew();
        var startedAt = time.GetUtcNow();
        var principal = context.Principal();
        var ct = context.RequestAborted;

        var (body, problem) = await ReadAsync(context.Request, route.RequiredField, ct);
        if (body is null)
        {
            await Refuse(context, 400, "invalid_request_error", problem!);
            return;
        }

        var requested = (string)body["model"]!;
        var (targets, routeError) = registry.Router.Resolve(requested);
        if (routeError is not null)
        {
            await Refuse(context, 404, "model_not_found", routeError);
            return;
        }

        targets = [.. targets.Where(t => directory.MayUse(principal, t.Provider, t.Model))];
        if (targets.Count == 0)
        {
            await Refuse(context, 403, "model_not_allowed", $"this key may not use the model '{requested}'");
            return;
        }

        targets = spending.Priced(targets, startedAt);
        if (targets.Count == 0)
        {
            await Refuse(context, 403, "model_not_priced", $"'{requested}' has no price and this gateway requires one (require_pricing); ask an operator to set it with POST /v1/pricing");
            return;
        }

        // Chat reaches Anthropic and Gemini upstreams through the canonical model, embeddings reach Gemini;
        // the rest is OpenAI-compatible only.
        var unsupported = targets.FirstOrDefault(t => registry.Providers[t.Provider].Kind switch
        {
            ProviderKind.OpenAI => false,
            ProviderKind.Gemini => route == Moderations,
            _ => route != Chat,
        });
        if (unsupported is not null)
        {
            await Refuse(context, 501, "dialect_translation_unavailable",
                $"provider '{unsupported.Provider}' speaks {registry.Providers[unsupported.Provider].Kind}; translating OpenAI /v1/{route.Path} requests to it is not available yet");
            return;
        }

        IReadOnlyList<string>? texts = null;
        if (route == Embeddings && targets.Any(t => registry.Providers[t.Provider].Kind == ProviderKind.Gemini))
        {
            texts = GeminiEmbeddings.Inputs(body["input"]);
            if (texts is null)
            {
                await Refuse(context, 400, "invalid_request_error", "'input' must be a string or an array of strings for Gemini models");
                return;
            }
        }

        ChatRequest? canonical = null;
        if (route == Chat && targets.Any(t => registry.Providers[t.Provider].Kind != ProviderKind.OpenAI))
        {
            var (read, problems) = OpenAIChat.ReadRequest(body);
            if (read is null)
            {
                await Refuse(context, 400, "invalid_request_error", string.Join("; ", problems));
                return;
            }

            canonical = read;
        }

        var estimate = EstimateTokens(body, context.Request.ContentLength);
        var (rpm, tpm) = directory.RateLimits(principal.KeyId);
        if (limits.TryAdmit(principal.KeyId ?? "", rpm, tpm, estimate, time.GetUtcNow()) is { } limited)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling((limited.RetryAt - time.GetUtcNow()).TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Refuse(context, 429, "rate_limit_exceeded", $"{limited.Reason}; retry in {seconds} s");
            return;
        }

        var (admission, refusal) = await spending.AdmitAsync(context, principal, targets, body, startedAt);
        if (admission is null)
        {
            await Refuse(context, refusal!.Status, refusal.Code, refusal.Message);
            return;
        }

        var stream = route.Streams && body["stream"]?.GetValueKind() == JsonValueKind.True;
        var clientWantsUsage = body["stream_options"]?["include_usage"]?.GetValueKind() == JsonValueKind.True;
        if (stream && !clientWantsUsage)
            body["stream_options"] = new JsonObject { ["include_usage"] = true };

        var outcome = await caller.SendAsync(
            targets, registry.Providers,
            (provider, target, key) => provider.Kind switch
            {
                ProviderKind.Anthropic => UpstreamRequests.Anthropic(provider, target, key, canonical!),
                ProviderKind.Gemini when route == Embeddings => UpstreamRequests.Gemini(provider, target, key, "batchEmbedContents",
                    GeminiEmbeddings.WriteRequest(target.Model, texts!, (int?)body["dimensions"])),
                ProviderKind.Gemini => UpstreamRequests.Gemini(provider, target, key, canonical!.Stream ? "streamGenerateContent?alt=sse" : "generateContent",
                    GeminiContent.WriteRequest(canonical)),
                _ => UpstreamRequests.OpenAI(provider, target, key, route.Path, body),
            },
            principal.KeyId, estimate, ct);

        var record = new InferenceRecordBuilder(principal, "openai", "/v1/" + route.Path, requested, stream, startedAt, context.TraceIdentifier);
        if (outcome.Exhausted is { } exhausted)
        {
            var wait = exhausted.RetryAt is { } at ? Math.Max(1, (int)Math.Ceiling((at - time.GetUtcNow()).TotalSeconds)) : 60;
            context.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Refuse(context, 429, "all_keys_exhausted", $"every upstream key for '{requested}' is rate limited, out of quota or disabled ({exhausted.Reason}); retry in {wait} s");
            BudgetLedger.Release(admission);
            log.Record(record.Finish(429, clock, outcome.Attempts));
            return;
        }

        if (outcome.Error is { Provider.Kind: not ProviderKind.OpenAI } translated)
        {
            var (code, message) = UpstreamRequests.Error(translated.Body);
            await Refuse(context, translated.Status, code, message);
            BudgetLedger.Release(admission);
            log.Record(record.Finish(translated.Status, clock, outcome.Attempts, translated.Provider.Name, translated.Target.Model));
            return;
        }

        if (outcome.Error is { } error)
        {
            context.Response.StatusCode = error.Status;
            context.Response.ContentType = error.ContentType ?? "application/json";
            await context.Response.Body.WriteAsync(error.Body, ct);
            BudgetLedger.Release(admission);
            log.Record(record.Finish(error.Status, clock, outcome.Attempts, error.Provider.Name, error.Target.Model));
            return;
        }

        var success = outcome.Success!;
        using var response = success.Response;
        var translate = success.Provider.Kind != ProviderKind.OpenAI;
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = translate
            ? (stream ? "text/event-stream" : "application/json")
            : response.Content.Headers.ContentType?.ToString() ?? (stream ? "text/event-stream" : "application/json");
        await using var upstream = await response.Content.ReadAsStreamAsync(ct);
        if (stream)
        {
            context.Response.Headers.CacheControl = "no-cache";
            var relayed = translate
                ? await TranslatedStreamRelay.RelayAsync(upstream, UpstreamRequests.StreamReader(success.Provider.Kind), context.Response, clientWantsUsage, time.GetUtcNow().ToUnixTimeSeconds(), clock, ct)
                : await SseForwarder.ForwardAsync(upstream, context.Response, holdBackUsageChunk: !clientWantsUsage, clock, ct);
            var usage = relayed.Usage ?? new ChatUsage(estimate, relayed.EstimatedCompletionTokens, 0);
            Settle(success, usage, relayed.ClientCancelled, time);
            limits.Charge(principal.KeyId ?? "", usage.PromptTokens + usage.CompletionTokens, time.GetUtcNow());
            log.Record(spending.Charge(admission, principal, success, record.Finish(
                relayed.UpstreamBroke ? 502 : relayed.ClientCancelled ? 499 : 200, clock, outcome.Attempts, success.Provider.Name, success.Target.Model,
                success.Key.Id, usage, relayed.Usage is null, relayed.TimeToFirstTokenMs, relayed.ClientCancelled)));
            return;
        }

        using var buffered = new MemoryStream();
        await upstream.CopyToAsync(buffered, ct);
        var bytes = buffered.ToArray();
        if (translate)
        {
            using var answer = JsonDocument.Parse(bytes);
            bytes = JsonSerializer.SerializeToUtf8Bytes(route == Embeddings
                ? GeminiEmbeddings.ToOpenAI(answer.RootElement, success.Target.Model, texts!)
                : OpenAIChat.WriteResponse(
                    success.Provider.Kind == ProviderKind.Anthropic ? AnthropicMessages.ReadResponse(answer.RootElement) : GeminiContent.ReadResponse(answer.RootElement),
                    time.GetUtcNow().ToUnixTimeSeconds()));
        }

        // Gemini reports no tokens for embeddings: the count is an estimate.
        var estimated = translate && route == Embeddings;
        var reported = TryUsage(bytes);
        await context.Response.Body.WriteAsync(bytes, ct);
        Settle(success, reported ?? ChatUsage.None, false, time);
        limits.Charge(principal.KeyId ?? "", (reported?.PromptTokens ?? 0) + (reported?.CompletionTokens ?? 0), time.GetUtcNow());
        log.Record(spending.Charge(admission, principal, success, record.Finish(
            200, clock, outcome.Attempts, success.Provider.Name, success.Target.Model, success.Key.Id, reported, reported is null || estimated, clock.Elapsed.TotalMilliseconds, false)));
    }

    private static void Settle(UpstreamCaller.Success success, ChatUsage usage, bool cancelled, TimeProvider time)
    {
        var tokens = usage.PromptTokens + usage.CompletionTokens;
        if (cancelled)
            success.Provider.Pool.Abandon(success.Lease);
        else
            success.Provider.Pool.Succeed(success.Lease, tokens, time.GetUtcNow());
    }

    private static async Task<(JsonObject? Body, string? Problem)> ReadAsync(HttpRequest request, string requiredField, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
            return (null, $"the request body is larger than {MaxBodyBytes / (1024 * 1024)} MiB");
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            return (null, $"the request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }

        if (node is not JsonObject body)
            return (null, "the request body must be a JSON object");
        if (body["model"]?.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace((string?)body["model"]))
            return (null, "'model' is required and must be a string");
        if (requiredField == "messages" && body["messages"] is not JsonArray { Count: > 0 })
            return (null, "'messages' is required and must be a non-empty array");
        if (body[requiredField] is null)
            return (null, $"'{requiredField}' is required");
        return (body, null);
    }

    /// <summary>
    /// A rough count for tokens-per-minute checks: about four characters a token, plus the output cap.
    /// The body's length comes from Content-Length when sent, sparing a second serialisation per request.
    /// </summary>
    private static int EstimateTokens(JsonObject body, long? contentLength)
    {
        var prompt = (int)((contentLength ?? (body["messages"] ?? body["input"])!.ToJsonString().Length) / 4);
        var output = (int?)(body["max_completion_tokens"] ?? body["max_tokens"]) ?? 0;
        return prompt + output;
    }

    private static ChatUsage? TryUsage(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return OpenAIUsage.From(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task Refuse(HttpContext context, int status, string code, string message) =>
        DialectErrors.WriteAsync(context, Dialect.OpenAI, status, code, message);
}

using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference.Gemini;

/// <summary>What a Gemini model action asks for.</summary>
internal enum GeminiAction
{
    GenerateContent,
    StreamGenerateContent,
    CountTokens,
}

/// <summary>
/// One request of Google's native Gemini API (<c>models/{model}:generateContent</c> and friends). To a
/// Gemini upstream the client's body passes untouched (unknown fields, safety settings and all) and its
/// answers come back as they came; to OpenAI-compatible and Anthropic upstreams it goes through the
/// canonical model and their answers are written as Gemini's. A stream is <c>?alt=sse</c> events, or,
/// without it, one JSON array whose elements arrive as they are made.
/// </summary>
/// <param name="model">The model from the path: a Gemini name, <c>provider:model</c> or an alias.</param>
/// <param name="sse">Whether the client asked for <c>alt=sse</c> (a stream otherwise comes as a JSON array).</param>
internal sealed class GeminiExchange(string model, GeminiAction action, bool sse) : InferenceExchange, TokenCounting.ICountingExchange
{
    private JsonObject _body = null!;

    public override Dialect Dialect => Dialect.Gemini;

    public override string Endpoint => action switch
    {
        GeminiAction.StreamGenerateContent => "/v1beta/models:" + GeminiApi.StreamGenerateContent,
        GeminiAction.CountTokens => "/v1beta/models:" + GeminiApi.CountTokens,
        _ => "/v1beta/models:" + GeminiApi.GenerateContent,
    };

    public override ProviderKind NativeKind => ProviderKind.Gemini;

    public override bool Stream => action == GeminiAction.StreamGenerateContent;

    public override string? PathModel => model;

    public ChatRequest? Canonical { get; private set; }

    public override int? MaxOutputTokens(JsonObject body) => (int?)(Request(body)["generationConfig"]?["maxOutputTokens"]);

    public JsonObject CountAnswer(int tokens) => new() { ["totalTokens"] = tokens };

    public override IReadOnlyList<string> Unmapped(JsonObject body) => UnmappedFields.OfGeminiGenerateContent(Request(body));

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) =>
        action == GeminiAction.CountTokens ? GeminiRequestValidator.CountTokens(body) : GeminiRequestValidator.GenerateContent(body);

    public override Refusal? Prepare(JsonObject body, IReadOnlyList<(RouteTarget Target, Provider Provider)> targets)
    {
        _body = body;
        if (targets.All(t => t.Provider.Kind == ProviderKind.Gemini))
            return null;
        var (read, problems) = GeminiRequestReader.Read(model, Request(body));
        Canonical = read is null ? null : read with { Stream = Stream };
        return read is null ? new Refusal(400, "invalid_request_error", string.Join("; ", problems)) : null;
    }

    public override HttpRequestMessage Build(Provider provider, RouteTarget target, UpstreamKey key)
    {
        if (provider.Kind == NativeKind)
        {
            return GeminiProtocol.Post(provider, target, key, action switch
            {
                GeminiAction.StreamGenerateContent => GeminiApi.StreamGenerateContentSse,
                GeminiAction.CountTokens => GeminiApi.CountTokens,
                _ => GeminiApi.GenerateContent,
            }, AsClientSent(_body));
        }

        return action == GeminiAction.CountTokens
            ? ((ITokenCountingProtocol)provider.Protocol).CountTokens(provider, target, key, Canonical!)
            : provider.Protocol.Chat(provider, target, key, Canonical!);
    }

    public override async Task<Relayed> RelayAsync(HttpContext context, CallResult.Served success, int estimatedTokens, Stopwatch clock, CancellationToken ct)
    {
        var native = success.Provider.Kind == ProviderKind.Gemini;
        context.Response.StatusCode = (int)success.Response.StatusCode;
        context.Response.ContentType = Stream && sse ? "text/event-stream" : "application/json";
        var upstream = success.Body;
        if (Stream)
        {
            context.Response.Headers.CacheControl = "no-cache";
            // A Gemini upstream's events pass as they came; the JSON-array form is rebuilt from them, as from any other upstream.
            var relayed = native && sse
                ? await SseForwarder.ForwardAsync(upstream, context.Response, new GeminiSseInspector(), clock, ct)
                : await TranslatedStreamRelay.RelayAsync(upstream, success.Provider.Protocol.NewEventReader(),
                    new GeminiEventWriter(model, Canonical?.IncludeThinking == true, sse ? GeminiStreamForm.Sse : GeminiStreamForm.JsonArray), context.Response, clock, ct);
            return Streamed(relayed, estimatedTokens);
        }

        using var buffered = new MemoryStream();
        await upstream.CopyToAsync(buffered, ct);
        var bytes = buffered.ToArray();
        using var answer = JsonDocument.Parse(bytes);
        ChatUsage? usage;
        if (native)
        {
            usage = GeminiResponseReader.ReadUsage(answer.RootElement);
        }
        else
        {
            var response = success.Provider.Protocol.ReadAnswer(answer.RootElement);
            usage = response.Usage;
            bytes = JsonSerializer.SerializeToUtf8Bytes(GeminiResponseWriter.Write(response, model, Canonical!.IncludeThinking));
        }

        await context.Response.Body.WriteAsync(bytes, ct);
        return new Relayed(200, usage, usage is null, clock.Elapsed.TotalMilliseconds, RelayEnd.Completed);
    }

    /// <summary>
    /// The client's body as it came, for a Gemini upstream: "model" is the gateway's addition (from the
    /// path, for the pipeline), and Gemini refuses fields it does not know.
    /// </summary>
    internal static JsonObject AsClientSent(JsonObject body)
    {
        var sent = body.DeepClone().AsObject();
        sent.Remove("model");
        return sent;
    }

    /// <summary>countTokens may wrap a whole request in <c>generateContentRequest</c>; the others are the request.</summary>
    private static JsonObject Request(JsonObject body) => body["generateContentRequest"] as JsonObject ?? body;
}

using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference.Anthropic;

/// <summary>
/// One request of Anthropic's Messages API. To an Anthropic upstream it passes through untouched but
/// for the model name (unknown fields kept, the client's anthropic-version and anthropic-beta sent on,
/// events relayed as they come); to OpenAI-compatible and Gemini upstreams it goes through the
/// canonical model, and their answers come back as Anthropic's message and events.
/// </summary>
/// <param name="counting">For count_tokens, which takes no max_tokens.</param>
internal sealed class AnthropicExchange(HttpRequest request, bool counting = false) : InferenceExchange, TokenCounting.ICountingExchange
{
    private JsonObject _body = null!;

    public override Dialect Dialect => Dialect.Anthropic;

    public override string Endpoint => "/" + (counting ? AnthropicApi.CountTokensPath : AnthropicApi.MessagesPath);

    public override ProviderKind NativeKind => ProviderKind.Anthropic;

    public override bool Stream => _body["stream"]?.GetValueKind() == JsonValueKind.True;

    /// <summary>The request in canonical form; read only when some target is not Anthropic.</summary>
    public ChatRequest? Canonical { get; private set; }

    public JsonObject CountAnswer(int tokens) => new() { ["input_tokens"] = tokens };

    public override IReadOnlyList<string> Unmapped(JsonObject body) => UnmappedFields.OfAnthropicMessages(body);

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) =>
        counting ? AnthropicRequestValidator.CountTokens(body) : AnthropicRequestValidator.Messages(body);

    public override Refusal? Prepare(JsonObject body, IReadOnlyList<(RouteTarget Target, Provider Provider)> targets)
    {
        _body = body;
        if (targets.All(t => t.Provider.Kind == ProviderKind.Anthropic))
            return null;
        var (read, problems) = AnthropicRequestReader.Read(body);
        Canonical = read;
        return read is null ? new Refusal(400, "invalid_request_error", string.Join("; ", problems)) : null;
    }

    public override HttpRequestMessage Build(Provider provider, RouteTarget target, UpstreamKey key)
    {
        if (provider.Kind == NativeKind)
        {
            _body["model"] = target.Model;
            return AnthropicProtocol.Post(provider, key, Endpoint.TrimStart('/'), _body, Header(AnthropicApi.VersionHeader) ?? AnthropicApi.Version, Header(AnthropicApi.BetaHeader));
        }

        return counting
            ? ((ITokenCountingProtocol)provider.Protocol).CountTokens(provider, target, key, Canonical!)
            : provider.Protocol.Chat(provider, target, key, Canonical!);
    }

    /// <summary>An overloaded Gemini or OpenAI-compatible service (503) is Anthropic's overloaded_error, 529, which Anthropic clients wait out and retry.</summary>
    public override int ErrorStatus(int upstreamStatus) => upstreamStatus == 503 ? 529 : upstreamStatus;

    public override async Task<Relayed> RelayAsync(HttpContext context, CallResult.Served success, int estimatedTokens, Stopwatch clock, CancellationToken ct)
    {
        var native = success.Provider.Kind == ProviderKind.Anthropic;
        context.Response.StatusCode = (int)success.Response.StatusCode;
        context.Response.ContentType = Stream ? "text/event-stream" : "application/json";
        var upstream = success.Body;
        if (Stream)
        {
            context.Response.Headers.CacheControl = "no-cache";
            var relayed = native
                ? await SseForwarder.ForwardAsync(upstream, context.Response, new AnthropicSseInspector(), clock, ct)
                : await TranslatedStreamRelay.RelayAsync(upstream, success.Provider.Protocol.NewEventReader(),
                    new AnthropicEventWriter(TokenEstimate.Of(Canonical!), Canonical!.IncludeThinking), context.Response, clock, ct);
            return Streamed(relayed, estimatedTokens);
        }

        using var buffered = new MemoryStream();
        await upstream.CopyToAsync(buffered, ct);
        var bytes = buffered.ToArray();
        ChatUsage? usage;
        if (native)
        {
            usage = ReportedUsage(bytes, AnthropicResponseReader.ReadUsage);
        }
        else
        {
            using var answer = JsonDocument.Parse(bytes);
            var response = success.Provider.Protocol.ReadAnswer(answer.RootElement);
            usage = response.Usage;
            bytes = JsonSerializer.SerializeToUtf8Bytes(AnthropicResponseWriter.Write(response, Canonical!.IncludeThinking));
        }

        await context.Response.Body.WriteAsync(bytes, ct);
        return new Relayed(200, usage, usage is null, clock.Elapsed.TotalMilliseconds, RelayEnd.Completed);
    }

    private string? Header(string name) => request.Headers.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;
}

using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// One OpenAI-dialect request. To OpenAI-compatible upstreams the body passes through untouched but for
/// the model name (unknown fields kept) and streams are relayed event by event; chat reaches Anthropic
/// and Gemini upstreams through the canonical model, embeddings reach Gemini.
/// </summary>
internal sealed class OpenAIExchange(OpenAIExchange.Route route, TimeProvider time) : InferenceExchange
{
    /// <summary>One endpoint: its path below /v1, its validator, whether it streams.</summary>
    internal sealed record Route(string Path, Func<JsonObject, IReadOnlyList<FieldProblem>> Validate, bool Streams);

    public static readonly Route Chat = new(OpenAIApi.ChatCompletionsPath, OpenAIRequestValidator.Chat, Streams: true);
    public static readonly Route Embeddings = new(OpenAIApi.EmbeddingsPath, OpenAIRequestValidator.Embeddings, Streams: false);
    public static readonly Route Moderations = new(OpenAIApi.ModerationsPath, OpenAIRequestValidator.Moderations, Streams: false);

    private JsonObject _body = null!;
    private ChatRequest? _canonical;
    private TextsToEmbed? _embedding;
    private EmbeddingEncoding _encoding;
    private bool _clientWantsUsage;

    public override Dialect Dialect => Dialect.OpenAI;

    public override string Endpoint => "/v1/" + route.Path;

    public override ProviderKind NativeKind => ProviderKind.OpenAI;

    public override bool Stream => route.Streams && _body["stream"]?.GetValueKind() == JsonValueKind.True;

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) => route.Validate(body);

    /// <summary>Only chat is translated field by field; embeddings and moderations go only where they are native or 501.</summary>
    public override IReadOnlyList<string> Unmapped(JsonObject body) => route == Chat ? UnmappedFields.OfOpenAIChat(body) : [];

    public override Refusal? Prepare(JsonObject body, IReadOnlyList<(RouteTarget Target, Provider Provider)> targets)
    {
        _body = body;
        var unsupported = targets.FirstOrDefault(t => t.Provider.Kind switch
        {
            ProviderKind.OpenAI => false,
            ProviderKind.Gemini => route == Moderations,
            _ => route != Chat,
        });
        if (unsupported.Provider is { } provider)
        {
            return new Refusal(501, "dialect_translation_unavailable",
                $"provider '{provider.Name}' speaks {provider.Kind}; translating OpenAI /v1/{route.Path} requests to it is not available yet");
        }

        if (route == Embeddings && targets.Any(t => t.Provider.Kind == ProviderKind.Gemini) && ReadEmbeddingRequest(body) is { } problem)
            return new Refusal(400, "invalid_request_error", problem);

        if (route == Chat && targets.Any(t => t.Provider.Kind != ProviderKind.OpenAI))
        {
            var (read, problems) = OpenAIChatRequestReader.Read(body);
            if (read is null)
                return new Refusal(400, "invalid_request_error", string.Join("; ", problems));
            _canonical = read;
        }

        _clientWantsUsage = body["stream_options"]?["include_usage"]?.GetValueKind() == JsonValueKind.True;
        if (Stream && !_clientWantsUsage)
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        return null;
    }

    /// <summary>
    /// What an embeddings request for Gemini needs read ahead: texts (Gemini takes no token arrays) and the
    /// output size, and the encoding its answer must come back in. A problem, or null.
    /// </summary>
    private string? ReadEmbeddingRequest(JsonObject body)
    {
        // encoding_format and dimensions were checked with the rest of the body (OpenAIRequestValidator).
        _embedding = OpenAIEmbeddings.ReadRequest(body);
        if (_embedding is null)
            return "'input' must be a string or an array of strings for Gemini models";
        _encoding = OpenAIEmbeddings.ReadEncoding(body["encoding_format"]).Encoding ?? EmbeddingEncoding.Numbers;
        return null;
    }

    public override HttpRequestMessage Build(Provider provider, RouteTarget target, UpstreamKey key)
    {
        if (provider.Kind == NativeKind)
            return OpenAIProtocol.Post(provider, target, key, route.Path, _body);
        return route == Embeddings
            ? ((IEmbeddingProtocol)provider.Protocol).Embed(provider, target, key, _embedding!)
            : provider.Protocol.Chat(provider, target, key, _canonical!);
    }

    public override async Task<Relayed> RelayAsync(HttpContext context, CallResult.Served success, int estimatedTokens, Stopwatch clock, CancellationToken ct)
    {
        var response = success.Response;
        var translate = success.Provider.Kind != ProviderKind.OpenAI;
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = translate
            ? (Stream ? "text/event-stream" : "application/json")
            : response.Content.Headers.ContentType?.ToString() ?? (Stream ? "text/event-stream" : "application/json");
        var upstream = success.Body;
        if (Stream)
        {
            context.Response.Headers.CacheControl = "no-cache";
            var relayed = translate
                ? await TranslatedStreamRelay.RelayAsync(upstream, success.Provider.Protocol.NewEventReader(),
                    new OpenAIChunkWriter(_clientWantsUsage, time.GetUtcNow().ToUnixTimeSeconds()), context.Response, clock, ct)
                : await SseForwarder.ForwardAsync(upstream, context.Response, new OpenAISseInspector(holdBackUsageChunk: !_clientWantsUsage), clock, ct);
            return Streamed(relayed, estimatedTokens);
        }

        using var buffered = new MemoryStream();
        await upstream.CopyToAsync(buffered, ct);
        var bytes = buffered.ToArray();
        ChatUsage? reported = null;
        if (translate)
        {
            using var answer = JsonDocument.Parse(bytes);
            if (route == Embeddings)
            {
                bytes = JsonSerializer.SerializeToUtf8Bytes(OpenAIEmbeddings.WriteResponse(
                    ((IEmbeddingProtocol)success.Provider.Protocol).ReadEmbeddings(answer.RootElement).Vectors, success.Target.Model, _encoding, _embedding!.EstimatedTokens));
            }
            else
            {
                // The canonical usage, not the one written for the client: OpenAI's shape has no field for cache writes.
                var canonical = success.Provider.Protocol.ReadAnswer(answer.RootElement);
                reported = canonical.Usage;
                bytes = JsonSerializer.SerializeToUtf8Bytes(OpenAIChatResponseWriter.Write(canonical, time.GetUtcNow().ToUnixTimeSeconds()));
            }
        }

        // Gemini reports no tokens for embeddings: the count is an estimate.
        var estimated = translate && route == Embeddings;
        reported ??= ReportedUsage(bytes, OpenAIChatResponseReader.ReadUsage);
        await context.Response.Body.WriteAsync(bytes, ct);
        return new Relayed(200, reported, reported is null || estimated, clock.Elapsed.TotalMilliseconds, RelayEnd.Completed);
    }
}

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

/// <summary>
/// Gemini's embedContent and batchEmbedContents. To a Gemini upstream the client's body passes as it
/// came (each batch request's model set to the upstream's, which Gemini checks against the path); to an
/// OpenAI-compatible upstream it becomes one <c>/embeddings</c> call and the vectors come back as Gemini's.
/// Anthropic has no embeddings API. Gemini reports no tokens for embeddings, so its usage is estimated.
/// </summary>
internal sealed class GeminiEmbedExchange(string model, bool batch) : InferenceExchange
{
    private JsonObject _body = null!;
    private TextsToEmbed? _request;

    public override Dialect Dialect => Dialect.Gemini;

    public override string Endpoint => "/v1beta/models:" + (batch ? GeminiApi.BatchEmbedContents : GeminiApi.EmbedContent);

    public override ProviderKind NativeKind => ProviderKind.Gemini;

    public override bool Stream => false;

    public override string? PathModel => model;

    /// <summary>Embeddings produce no output tokens: the worst case is the input alone.</summary>
    public override int? MaxOutputTokens(JsonObject body) => 0;

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) =>
        batch ? GeminiRequestValidator.BatchEmbedContents(body) : GeminiRequestValidator.EmbedContent(body);

    public override Refusal? Prepare(JsonObject body, IReadOnlyList<(RouteTarget Target, Provider Provider)> targets)
    {
        _body = body;
        var anthropic = targets.FirstOrDefault(t => t.Provider.Kind == ProviderKind.Anthropic);
        if (anthropic.Provider is not null)
            return new Refusal(501, "dialect_translation_unavailable", $"provider '{anthropic.Provider.Name}' ({anthropic.Target}) speaks Anthropic, which has no embeddings API");
        var (request, problems) = GeminiEmbeddings.ReadRequest(body, batch);
        _request = request;
        // A Gemini upstream takes what Gemini takes; the texts only serve the usage estimate there.
        return request is null && targets.Any(t => t.Provider.Kind != ProviderKind.Gemini)
            ? new Refusal(400, "invalid_request_error", string.Join("; ", problems))
            : null;
    }

    public override HttpRequestMessage Build(Provider provider, RouteTarget target, UpstreamKey key)
    {
        if (provider.Kind != NativeKind)
            return ((IEmbeddingProtocol)provider.Protocol).Embed(provider, target, key, _request!);
        var passed = GeminiExchange.AsClientSent(_body);
        foreach (var request in (passed["requests"] as JsonArray ?? []).OfType<JsonObject>())
            request["model"] = $"models/{target.Model}";
        return GeminiProtocol.Post(provider, target, key, batch ? GeminiApi.BatchEmbedContents : GeminiApi.EmbedContent, passed);
    }

    public override async Task<Relayed> RelayAsync(HttpContext context, CallResult.Served success, int estimatedTokens, Stopwatch clock, CancellationToken ct)
    {
        var bytes = await success.Response.Content.ReadAsByteArrayAsync(ct);
        ChatUsage usage;
        var estimated = true;
        if (success.Provider.Kind == ProviderKind.Gemini)
        {
            usage = new ChatUsage(_request?.EstimatedTokens ?? estimatedTokens, 0, 0);
        }
        else
        {
            using var answer = JsonDocument.Parse(bytes);
            var embedded = ((IEmbeddingProtocol)success.Provider.Protocol).ReadEmbeddings(answer.RootElement);
            usage = embedded.Usage ?? new ChatUsage(estimatedTokens, 0, 0);
            estimated = embedded.Usage is null;
            bytes = JsonSerializer.SerializeToUtf8Bytes(GeminiEmbeddings.WriteResponse(embedded.Vectors, batch));
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(bytes, ct);
        return new Relayed(200, usage, estimated, clock.Elapsed.TotalMilliseconds, RelayEnd.Completed);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Inference.Gemini;

/// <summary>
/// Gemini's embedContent and batchEmbedContents. To a Gemini upstream the client's body passes as it came (each batch
/// request's model set to the upstream's, which Gemini checks against the path); to an OpenAI-compatible upstream it
/// becomes one <c>/embeddings</c> call and the vectors come back as Gemini's. Gemini reports no tokens for embeddings,
/// so its usage is estimated from the texts.
/// </summary>
internal sealed class GeminiEmbedDialect(string model, bool batch) : EmbeddingsDialect
{
    public override Dialect Wire => Dialect.Gemini;

    public override string Endpoint => "/v1beta/models:" + (batch ? GeminiApi.BatchEmbedContents : GeminiApi.EmbedContent);

    public override ProviderKind Native => ProviderKind.Gemini;

    public override string? PathModel => model;

    /// <summary>Embeddings produce no output tokens: the worst case is the input alone.</summary>
    public override int? MaxOutputTokens => 0;

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) =>
        batch ? GeminiRequestValidator.BatchEmbedContents(body) : GeminiRequestValidator.EmbedContent(body);

    /// <summary>The texts are read for every request, for the estimate; a Gemini upstream takes what Gemini takes, so only a translation refuses them.</summary>
    public override Refusal? Prepare(bool translating) => base.Prepare(translating: true) is { } refused && translating ? refused : null;

    protected override (TextsToEmbed? Canonical, IReadOnlyList<string> Problems) ReadCanonical(JsonObject body) => GeminiEmbeddings.ReadRequest(body, batch);

    public override RelayedAnswer WriteAnswer(EmbeddedTexts embedded, RouteTarget target, int estimatedTokens) => new(
        JsonSerializer.SerializeToUtf8Bytes(GeminiEmbeddings.WriteResponse(embedded.Vectors, batch)),
        embedded.Usage ?? new ChatUsage(estimatedTokens, 0, 0),
        embedded.Usage is null);

    internal override HttpRequestMessage PassthroughRequest(Provider provider, RouteTarget target, UpstreamKey key)
    {
        var passed = GeminiBody.AsClientSent(Body);
        foreach (var request in (passed["requests"] as JsonArray ?? []).OfType<JsonObject>())
            request["model"] = $"models/{target.Model}";
        return GeminiProtocol.Post(provider, target, key, batch ? GeminiApi.BatchEmbedContents : GeminiApi.EmbedContent, passed);
    }

    internal override RelayedAnswer PassthroughAnswer(byte[] upstream, int estimatedTokens) =>
        new(upstream, new ChatUsage(Canonical?.EstimatedTokens ?? estimatedTokens, 0, 0), true);
}

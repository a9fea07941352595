using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Inference.Gemini;

/// <summary>Google's countTokens: the turns alone or a whole generateContent request, its prompt counted (<see cref="TokenCounting"/>).</summary>
/// <param name="model">The model from the path.</param>
internal sealed class GeminiCountTokensDialect(string model) : CountingDialect
{
    public override Dialect Wire => Dialect.Gemini;

    public override string Endpoint => "/v1beta/models:" + GeminiApi.CountTokens;

    public override ProviderKind Native => ProviderKind.Gemini;

    public override string? PathModel => model;

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) => GeminiRequestValidator.CountTokens(body);

    protected override (ChatRequest? Canonical, IReadOnlyList<string> Problems) ReadCanonical(JsonObject body) =>
        GeminiRequestReader.Read(model, GeminiBody.Request(body));

    public override JsonObject CountAnswer(int tokens) => new() { ["totalTokens"] = tokens };

    internal override HttpRequestMessage PassthroughRequest(Provider provider, RouteTarget target, UpstreamKey key) =>
        GeminiProtocol.Post(provider, target, key, GeminiApi.CountTokens, GeminiBody.AsClientSent(Body));
}

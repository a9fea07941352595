using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Providers;

namespace Gateway.Host.Features.Inference.Anthropic;

/// <summary>Anthropic's count_tokens: a messages request without max_tokens, its prompt counted (<see cref="TokenCounting"/>).</summary>
internal sealed class AnthropicCountTokensDialect(HttpRequest request) : CountingDialect
{
    public override Dialect Wire => Dialect.Anthropic;

    public override string Endpoint => "/" + AnthropicApi.CountTokensPath;

    public override ProviderKind Native => ProviderKind.Anthropic;

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) => AnthropicRequestValidator.CountTokens(body);

    protected override (ChatRequest? Canonical, IReadOnlyList<string> Problems) ReadCanonical(JsonObject body) => AnthropicRequestReader.Read(body);

    public override JsonObject CountAnswer(int tokens) => new() { ["input_tokens"] = tokens };

    internal override HttpRequestMessage PassthroughRequest(Provider provider, RouteTarget target, UpstreamKey key) =>
        AnthropicPassthrough.Request(request, Body, AnthropicApi.CountTokensPath, provider, target, key);
}

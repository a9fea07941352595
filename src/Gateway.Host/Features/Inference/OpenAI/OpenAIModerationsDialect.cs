using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>OpenAI's moderations: passed through to an OpenAI-compatible provider that serves them; no other wire format has them.</summary>
internal sealed class OpenAIModerationsDialect : ClientDialect
{
    public override Dialect Wire => Dialect.OpenAI;

    public override string Endpoint => "/v1/" + OpenAIApi.ModerationsPath;

    public override Capability Needs => Capability.Moderations;

    public override ProviderKind Native => ProviderKind.OpenAI;

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) => OpenAIRequestValidator.Moderations(body);

    public override string AnswerContentType(string? upstream) => upstream ?? base.AnswerContentType(upstream);

    internal override HttpRequestMessage PassthroughRequest(Provider provider, RouteTarget target, UpstreamKey key) =>
        OpenAIProtocol.Post(provider, target, key, OpenAIApi.ModerationsPath, Body);

    internal override RelayedAnswer PassthroughAnswer(byte[] upstream, int estimatedTokens) => AsItCame(upstream, OpenAIChatResponseReader.ReadUsage);
}

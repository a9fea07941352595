using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// A token-counting API (Anthropic's count_tokens, Gemini's countTokens): the prompt of a chat request, counted exactly
/// by a provider that can (<see cref="ITokenCountingProtocol"/>), or by the gateway (<see cref="TokenCounting"/>).
/// </summary>
internal abstract class CountingDialect : CanonicalDialect<ChatRequest>
{
    public override Capability Needs => Capability.CountTokens;

    /// <summary>The answer in the client's format for a count.</summary>
    public abstract JsonObject CountAnswer(int tokens);

    /// <summary>Counted, not generated: nothing to report as usage.</summary>
    internal override Relaying.RelayedAnswer PassthroughAnswer(byte[] upstream, int estimatedTokens) => new(upstream, null, false);

    protected override Way? Translation(IUpstreamProtocol protocol) => protocol is ITokenCountingProtocol counting ? new CountTranslation(this, counting) : null;
}

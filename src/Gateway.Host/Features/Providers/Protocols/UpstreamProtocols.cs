using Gateway.Domain.Upstreams;

namespace Gateway.Host.Features.Providers.Protocols;

/// <summary>
/// The one place a <see cref="ProviderKind"/> meets its protocol. The switch has no discard arm: a new kind does not
/// compile (CS8509) until its protocol is written here.
/// </summary>
internal static class UpstreamProtocols
{
    private static readonly OpenAIProtocol OpenAI = new();
    private static readonly AnthropicProtocol Anthropic = new();
    private static readonly GeminiProtocol Gemini = new();

    public static IUpstreamProtocol For(ProviderKind kind) => kind switch
    {
        ProviderKind.OpenAI => OpenAI,
        ProviderKind.Anthropic => Anthropic,
        ProviderKind.Gemini => Gemini,
    };
}

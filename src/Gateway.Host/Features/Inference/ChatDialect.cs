using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Inference;

/// <summary>A chat API: translated through the canonical <see cref="ChatRequest"/>, its answers written by the dialect's writers.</summary>
internal abstract class ChatDialect : CanonicalDialect<ChatRequest>
{
    public override Capability Needs => Capability.Chat;

    private IReadOnlyList<GatewayToolUse>? _gatewayTools;
    private IReadOnlyList<NativeToolUse>? _nativeTools;
    private bool? _echoesGatewayTools;
    private IReadOnlyList<DeclaredFunction>? _declaredFunctions;

    // Each is read once from the accepted body (routing asks for some of them per target), and none changes after.

    /// <summary>The gateway-run tools the accepted body asks for, read from the dialect's own place for them before the canonical form exists.</summary>
    public IReadOnlyList<GatewayToolUse> GatewayTools => _gatewayTools ??= ReadGatewayTools();

    /// <summary>The provider-native tools the accepted body names (Anthropic's web search, Gemini's googleSearch, ...), read the same way.</summary>
    public IReadOnlyList<NativeToolUse> NativeTools => _nativeTools ??= ReadNativeTools();

    /// <summary>
    /// Whether an earlier turn of the body echoes what the gateway showed of its own tool calls (Anthropic's
    /// <c>srvtoolu_gw_</c> blocks, Gemini's code parts of its ids): no upstream issued those, so the request goes through
    /// the canonical form even to a provider of the client's own wire format.
    /// </summary>
    public bool EchoesGatewayTools => _echoesGatewayTools ??= ReadEchoesGatewayTools();

    /// <summary>The client's own functions the accepted body declares, read the same way.</summary>
    public IReadOnlyList<DeclaredFunction> DeclaredFunctions => _declaredFunctions ??= ReadDeclaredFunctions();

    protected abstract IReadOnlyList<GatewayToolUse> ReadGatewayTools();

    protected abstract IReadOnlyList<NativeToolUse> ReadNativeTools();

    protected abstract bool ReadEchoesGatewayTools();

    protected abstract IReadOnlyList<DeclaredFunction> ReadDeclaredFunctions();

    /// <summary>The client's answer for a whole answer in canonical form.</summary>
    public abstract JsonObject WriteAnswer(ChatResponse response);

    /// <summary>The writer of the client's stream (one per stream: writers keep state).</summary>
    public abstract IChatEventWriter NewEventWriter();

    /// <summary>Every chat API streams, so each has a reading of its own format's events.</summary>
    internal abstract override IEventStrategy PassthroughEvents();

    protected override Way Translation(IUpstreamProtocol protocol) => new ChatTranslation(this, protocol);
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;

namespace Gateway.Host.Features.Inference.Anthropic;

/// <summary>
/// Anthropic's Messages API. To an Anthropic upstream it passes through untouched but for the model name (unknown
/// fields kept, the client's anthropic-version and anthropic-beta sent on, events relayed as they come); to
/// OpenAI-compatible and Gemini upstreams it goes through the canonical model, and their answers come back as
/// Anthropic's message and events.
/// </summary>
internal sealed class AnthropicMessagesDialect(HttpRequest request) : ChatDialect
{
    public override Dialect Wire => Dialect.Anthropic;

    public override string Endpoint => "/" + AnthropicApi.MessagesPath;

    public override ProviderKind Native => ProviderKind.Anthropic;

    protected override bool ReadStream(JsonObject body) => body["stream"]?.GetValueKind() == JsonValueKind.True;

    public override IReadOnlyList<string> Unmapped => UnmappedFields.OfAnthropicMessages(Body);

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) => AnthropicRequestValidator.Messages(body);

    protected override (ChatRequest? Canonical, IReadOnlyList<string> Problems) ReadCanonical(JsonObject body) => AnthropicRequestReader.Read(body);

    protected override IReadOnlyList<GatewayToolUse> ReadGatewayTools() => AnthropicRequestReader.GatewayTools(Body);

    protected override IReadOnlyList<NativeToolUse> ReadNativeTools() => AnthropicNativeTools.Read(Body);

    protected override bool ReadEchoesGatewayTools() => AnthropicRequestReader.EchoesGatewayTools(Body);

    protected override IReadOnlyList<DeclaredFunction> ReadDeclaredFunctions() => AnthropicRequestReader.DeclaredFunctions(Body);

    public override JsonObject WriteAnswer(ChatResponse response) => AnthropicResponseWriter.Write(response, Canonical!.IncludeThinking);

    public override IChatEventWriter NewEventWriter() => new AnthropicEventWriter(TokenEstimate.Of(Canonical!), Canonical!.IncludeThinking);

    internal override HttpRequestMessage PassthroughRequest(Provider provider, RouteTarget target, UpstreamKey key) =>
        AnthropicPassthrough.Request(request, Body, AnthropicApi.MessagesPath, provider, target, key);

    internal override RelayedAnswer PassthroughAnswer(byte[] upstream, int estimatedTokens) => AsItCame(upstream, AnthropicResponseReader.ReadUsage);

    internal override IEventStrategy PassthroughEvents() => new AnthropicPassthroughEvents();
}

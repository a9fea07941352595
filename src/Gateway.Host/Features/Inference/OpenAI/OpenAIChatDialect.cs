using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// OpenAI's chat completions. To OpenAI-compatible upstreams the body passes through untouched but for the model name
/// (unknown fields kept) and streams are relayed event by event; to others it goes through the canonical model. A
/// stream always asks the upstream for its usage chunk; a client that did not ask for it does not get it.
/// </summary>
internal sealed class OpenAIChatDialect(TimeProvider time) : ChatDialect
{
    private bool _clientWantsUsage;

    public override Dialect Wire => Dialect.OpenAI;

    public override string Endpoint => "/v1/" + OpenAIApi.ChatCompletionsPath;

    public override ProviderKind Native => ProviderKind.OpenAI;

    protected override bool ReadStream(JsonObject body) => body["stream"]?.GetValueKind() == JsonValueKind.True;

    public override IReadOnlyList<string> Unmapped => UnmappedFields.OfOpenAIChat(Body);

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) => OpenAIRequestValidator.Chat(body);

    protected override (ChatRequest? Canonical, IReadOnlyList<string> Problems) ReadCanonical(JsonObject body) => OpenAIChatRequestReader.Read(body);

    protected override IReadOnlyList<GatewayToolUse> ReadGatewayTools() => OpenAIChatRequestReader.GatewayTools(Body);

    protected override IReadOnlyList<NativeToolUse> ReadNativeTools() => OpenAINativeTools.Read(Body);

    /// <summary>OpenAI chat has no shape for the gateway's calls, so its clients never echo them.</summary>
    protected override bool ReadEchoesGatewayTools() => false;

    protected override IReadOnlyList<DeclaredFunction> ReadDeclaredFunctions() => OpenAIChatRequestReader.DeclaredFunctions(Body);

    public override Refusal? Prepare(bool translating)
    {
        if (base.Prepare(translating) is { } refused)
            return refused;
        _clientWantsUsage = Body["stream_options"]?["include_usage"]?.GetValueKind() == JsonValueKind.True;
        if (Stream && !_clientWantsUsage)
            Body["stream_options"] = new JsonObject { ["include_usage"] = true };
        return null;
    }

    public override string AnswerContentType(string? upstream) => upstream ?? base.AnswerContentType(upstream);

    public override JsonObject WriteAnswer(ChatResponse response) => OpenAIChatResponseWriter.Write(response, time.GetUtcNow().ToUnixTimeSeconds());

    public override IChatEventWriter NewEventWriter() => new OpenAIChunkWriter(_clientWantsUsage, time.GetUtcNow().ToUnixTimeSeconds());

    internal override HttpRequestMessage PassthroughRequest(Provider provider, RouteTarget target, UpstreamKey key) =>
        OpenAIProtocol.Post(provider, target, key, OpenAIApi.ChatCompletionsPath, Body);

    internal override RelayedAnswer PassthroughAnswer(byte[] upstream, int estimatedTokens) => AsItCame(upstream, OpenAIChatResponseReader.ReadUsage);

    internal override IEventStrategy PassthroughEvents() => new OpenAIPassthroughEvents(holdBackUsageChunk: !_clientWantsUsage);
}

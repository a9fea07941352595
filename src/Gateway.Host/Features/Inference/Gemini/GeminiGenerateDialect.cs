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
/// Google's generateContent and streamGenerateContent. To a Gemini upstream the client's body passes untouched
/// (unknown fields, safety settings and all) and its answers come back as they came; to OpenAI-compatible and Anthropic
/// upstreams it goes through the canonical model and their answers are written as Gemini's. A stream is
/// <c>?alt=sse</c> events, or, without it, one JSON array whose elements arrive as they are made: rebuilt from a Gemini
/// upstream's events too, which the gateway always asks for as events.
/// </summary>
/// <param name="model">The model from the path: a Gemini name, <c>provider:model</c> or an alias.</param>
/// <param name="sse">Whether the client asked for <c>alt=sse</c> (a stream otherwise comes as a JSON array).</param>
internal sealed class GeminiGenerateDialect(string model, bool stream, bool sse) : ChatDialect
{
    public override Dialect Wire => Dialect.Gemini;

    public override string Endpoint => "/v1beta/models:" + (stream ? GeminiApi.StreamGenerateContent : GeminiApi.GenerateContent);

    public override ProviderKind Native => ProviderKind.Gemini;

    public override string? PathModel => model;

    protected override bool ReadStream(JsonObject body) => stream;

    public override int? MaxOutputTokens => (int?)GeminiBody.Request(Body)["generationConfig"]?["maxOutputTokens"];

    public override IReadOnlyList<string> Unmapped => UnmappedFields.OfGeminiGenerateContent(GeminiBody.Request(Body));

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) => GeminiRequestValidator.GenerateContent(body);

    protected override IReadOnlyList<GatewayToolUse> ReadGatewayTools() => GeminiRequestReader.GatewayTools(GeminiBody.Request(Body));

    protected override IReadOnlyList<NativeToolUse> ReadNativeTools() => GeminiNativeTools.Read(GeminiBody.Request(Body));

    protected override bool ReadEchoesGatewayTools() => GeminiRequestReader.EchoesGatewayTools(GeminiBody.Request(Body));

    protected override IReadOnlyList<DeclaredFunction> ReadDeclaredFunctions() => GeminiRequestReader.DeclaredFunctions(GeminiBody.Request(Body));

    protected override (ChatRequest? Canonical, IReadOnlyList<string> Problems) ReadCanonical(JsonObject body)
    {
        var (read, problems) = GeminiRequestReader.Read(model, GeminiBody.Request(body));
        return (read is null ? null : read with { Stream = stream }, problems);
    }

    public override string AnswerContentType(string? upstream) => stream && sse ? "text/event-stream" : "application/json";

    public override JsonObject WriteAnswer(ChatResponse response) => GeminiResponseWriter.Write(response, model, Canonical!.IncludeThinking);

    public override IChatEventWriter NewEventWriter() =>
        new GeminiEventWriter(model, Canonical?.IncludeThinking == true, sse ? GeminiStreamForm.Sse : GeminiStreamForm.JsonArray);

    internal override HttpRequestMessage PassthroughRequest(Provider provider, RouteTarget target, UpstreamKey key) =>
        GeminiProtocol.Post(provider, target, key, stream ? GeminiApi.StreamGenerateContentSse : GeminiApi.GenerateContent, GeminiBody.AsClientSent(Body));

    internal override RelayedAnswer PassthroughAnswer(byte[] upstream, int estimatedTokens) => AsItCame(upstream, GeminiResponseReader.ReadUsage);

    /// <summary>A Gemini upstream's events pass as they came; the JSON-array form is written from them, as from any other upstream.</summary>
    internal override IEventStrategy PassthroughEvents() =>
        sse ? new GeminiPassthroughEvents() : new TranslatedEvents(new GeminiEventReader(), NewEventWriter());
}

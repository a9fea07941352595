using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Domain.Tenancy;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;
using Gateway.Host.Features.StoredResponses;

namespace Gateway.Host.Features.Inference.Responses;

/// <summary>
/// OpenAI's Responses API (<c>POST /v1/responses</c>). To an OpenAI-kind provider that serves it (the <c>responses</c>
/// capability) the body passes through untouched but for the model, and its events are relayed as they come; to every
/// other provider (chat-completions-only OpenAI-compatible servers, Anthropic, Gemini) it goes through the canonical
/// model and the answer is written in the Responses shape, with a <c>resp_</c> id the gateway mints. A
/// <c>previous_response_id</c> is expanded from the gateway's own stored copy, whatever the upstream: the body sent on
/// carries the whole conversation as input and no id, so the next turn may go to any key, account or provider. With
/// <c>store</c> (the default) the answer is stored before the client sees it end (<see cref="StoredResponseKeeper"/>).
/// </summary>
internal sealed class OpenAIResponsesDialect(TimeProvider time, ResponseStore store, ResponseWriter writer, ILogger logger) : ChatDialect
{
    private ResponsesEcho _echo = null!;
    private JsonNode? _input;
    private string? _previousResponseId;
    private string _id = "";
    private long _createdAt;
    private int? _expandedBytes;
    private IAnswerKeeper? _keeper;

    public override Dialect Wire => Dialect.Responses;

    public override string Endpoint => "/v1/" + OpenAIApi.ResponsesPath;

    public override ProviderKind Native => ProviderKind.OpenAI;

    protected override Capability PassthroughNeeds => Capability.Chat | Capability.Responses;

    protected override bool ReadStream(JsonObject body) => body["stream"]?.GetValueKind() == JsonValueKind.True;

    public override int? MaxOutputTokens => (int?)Body["max_output_tokens"];

    public override IReadOnlyList<string> Unmapped => UnmappedFields.OfOpenAIResponses(Body);

    public override long? PromptBytes(long? contentLength) => _expandedBytes ?? contentLength;

    internal override IAnswerKeeper? Keeper => _keeper;

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) => OpenAIResponsesRequestValidator.Validate(body);

    /// <summary>
    /// Reads what the answer echoes from the body as the client sent it, then puts the stored conversation a
    /// <c>previous_response_id</c> continues in place of the id (400 <c>previous_response_not_found</c> when the
    /// caller's organisation holds no such response, or one on the way is gone).
    /// </summary>
    public override async Task<Refusal?> ExpandAsync(Principal principal, CancellationToken ct)
    {
        _echo = ResponsesEcho.Of(Body);
        _input = Body["input"]?.DeepClone();
        _id = "resp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        _createdAt = time.GetUtcNow().ToUnixTimeSeconds();
        _previousResponseId = Body["previous_response_id"] is JsonValue previous && previous.TryGetValue<string>(out var named) ? named : null;
        if (Body["store"]?.GetValueKind() != JsonValueKind.False && principal.OrgId is not null)
            _keeper = new StoredResponseKeeper(writer, principal, Model, _previousResponseId, _input, logger);
        if (_previousResponseId is null)
            return null;
        if (principal.OrgId is not { } org)
            return Refusal.InvalidRequest("previous_response_id needs a virtual key of the organization that stored the response, not the admin token");
        if ((await store.ChainAsync(org, _previousResponseId, ct)).Refused(out var refusal, out var chain))
            return refusal;
        var turns = chain.Turns.Select(t => new ResponsesTurn((JsonArray)JsonNode.Parse(t.Input)!, (JsonArray)JsonNode.Parse(t.Output)!)).ToList();
        Body["input"] = OpenAIResponsesHistory.Expand(turns, Body["input"]);
        Body.Remove("previous_response_id");
        _expandedBytes = Body.ToJsonString().Length;
        return null;
    }

    protected override (ChatRequest? Canonical, IReadOnlyList<string> Problems) ReadCanonical(JsonObject body) => OpenAIResponsesRequestReader.Read(body);

    protected override IReadOnlyList<GatewayToolUse> ReadGatewayTools() => OpenAIResponsesRequestReader.GatewayTools(Body);

    protected override IReadOnlyList<NativeToolUse> ReadNativeTools() => OpenAIResponsesNativeTools.Read(Body);

    protected override bool ReadEchoesGatewayTools() => OpenAIResponsesRequestReader.EchoesGatewayTools(Body);

    protected override IReadOnlyList<DeclaredFunction> ReadDeclaredFunctions() => OpenAIResponsesRequestReader.DeclaredFunctions(Body);

    public override string AnswerContentType(string? upstream) => upstream ?? base.AnswerContentType(upstream);

    public override JsonObject WriteAnswer(ChatResponse response) => OpenAIResponsesAnswerWriter.Write(response, _id, _createdAt, _echo);

    public override IChatEventWriter NewEventWriter() => new OpenAIResponsesEventWriter(_id, _createdAt, _echo);

    internal override HttpRequestMessage PassthroughRequest(Provider provider, RouteTarget target, UpstreamKey key) =>
        OpenAIProtocol.Post(provider, target, key, OpenAIApi.ResponsesPath, Body);

    internal override RelayedAnswer PassthroughAnswer(byte[] upstream, int estimatedTokens) => AsItCame(upstream, OpenAIResponsesUsage.Read);

    internal override IEventStrategy PassthroughEvents() => new ResponsesPassthroughEvents();
}

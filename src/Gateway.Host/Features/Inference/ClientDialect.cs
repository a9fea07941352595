using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Tenancy;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// One inbound API (OpenAI's chat completions, Anthropic's messages, Gemini's embedContent, ...): what its requests are,
/// how they are checked, and how each reaches an upstream: passed through to a provider of the client's own wire format
/// (<see cref="Native"/>), or translated for another through the canonical form (<see cref="Translation"/>).
/// <see cref="InferenceRunner"/> does everything else the same way for every one. One instance serves one request.
/// </summary>
internal abstract class ClientDialect
{
    /// <summary>The wire format the client speaks: refusals are written in it, and the usage record names it.</summary>
    public abstract Dialect Wire { get; }

    /// <summary>The path recorded on the usage record, e.g. <c>/v1/messages</c>.</summary>
    public abstract string Endpoint { get; }

    /// <summary>What a provider must serve to answer the request.</summary>
    public abstract Capability Needs { get; }

    /// <summary>The provider kind that speaks the client's wire format: requests pass through to it, and its errors come back as they came.</summary>
    public abstract ProviderKind Native { get; }

    /// <summary>What a provider of the <see cref="Native"/> kind must also serve for the request to pass through to it (else it is translated).</summary>
    protected virtual Capability PassthroughNeeds => Needs;

    /// <summary>Whether the provider serves the client's own API, so the request can pass through to it untranslated.</summary>
    public bool SpeaksNatively(Provider provider) => provider.Kind == Native && provider.Capabilities.HasFlag(PassthroughNeeds);

    /// <summary>The model named by the path rather than the body (Gemini's <c>models/{model}:generateContent</c>), or null.</summary>
    public virtual string? PathModel => null;

    /// <summary>The model the client asked for, by any name the router takes (known once the body is accepted; a passthrough then sets the upstream's in the body).</summary>
    public string Model { get; private set; } = "";

    /// <summary>Whether the client asked for a stream (known once the body is accepted; read once, as most steps ask).</summary>
    public bool Stream { get; private set; }

    /// <summary>Whether the accepted body (or the path) asks for a stream; no API streams unless its dialect says so.</summary>
    protected virtual bool ReadStream(JsonObject body) => false;

    /// <summary>The most output the request allows, for worst-case budget holds and rate limits; null when it sets none.</summary>
    public virtual int? MaxOutputTokens => (int?)(Body["max_completion_tokens"] ?? Body["max_tokens"]);

    /// <summary>Fields a translation to another wire format would drop (refused when strict translation is on).</summary>
    public virtual IReadOnlyList<string> Unmapped => [];

    /// <summary>The request's body, once it was read and found valid.</summary>
    public JsonObject Body { get; private set; } = null!;

    /// <summary>
    /// What is wrong with the body beyond its model, by the dialect's validator (every field named); empty when nothing
    /// is. Runs for every request before routing, whatever the upstream: a passthrough body is not read again.
    /// </summary>
    public abstract IReadOnlyList<FieldProblem> Validate(JsonObject body);

    /// <summary>Takes the body once it was found valid.</summary>
    public void Accept(JsonObject body)
    {
        Body = body;
        Model = (string)body["model"]!;
        Stream = ReadStream(body);
    }

    /// <summary>
    /// Completes the accepted body from what the gateway holds for the caller (the Responses API's stored conversation
    /// a <c>previous_response_id</c> names), before anything is read of it for routing or admission; a refusal says
    /// what is missing. Nothing for most dialects.
    /// </summary>
    public virtual Task<Refusal?> ExpandAsync(Principal principal, CancellationToken ct) => Task.FromResult<Refusal?>(null);

    /// <summary>The prompt's size in bytes for estimates and budget holds: the body's, unless <see cref="ExpandAsync"/> made it larger.</summary>
    public virtual long? PromptBytes(long? contentLength) => contentLength;

    /// <summary>
    /// Readies the request for the ways it will take; a translation needs the canonical form, which the body may not fit
    /// (a refusal then says why).
    /// </summary>
    public virtual Refusal? Prepare(bool translating) => null;

    /// <summary>The Content-Type of the answer the client gets; <paramref name="upstream"/> is the upstream's, when it passes through.</summary>
    public virtual string AnswerContentType(string? upstream) => Stream ? "text/event-stream" : "application/json";

    /// <summary>
    /// The way to the target's provider: a passthrough when it speaks the client's wire format, a translation when it
    /// speaks another; or 501 saying why there is none: its API has no such endpoint, it is configured without it, or
    /// the dialect has no translation to its protocol.
    /// </summary>
    /// <param name="canonical">The request must take the canonical form whatever the provider speaks (a loop reads every answer).</param>
    public RefusalOr<Way> WayTo(Provider provider, RouteTarget target, bool canonical = false)
    {
        if (!provider.Protocol.Capabilities.HasFlag(Needs))
            return Unavailable($"provider '{provider.Name}' ({target}) speaks {provider.Kind}, which has no {CapabilityNames.Of(Needs)} API");
        if (!provider.Capabilities.HasFlag(Needs))
        {
            return new Refusal(501, "capability_not_served",
                $"provider '{provider.Name}' ({target}) is configured without {CapabilityNames.Of(Needs)} (its capabilities: {CapabilityNames.Describe(provider.Capabilities)})");
        }

        if (SpeaksNatively(provider) && !canonical)
            return new Passthrough(this);
        return Translation(provider.Protocol) is { } translation
            ? translation
            : Unavailable($"provider '{provider.Name}' ({target}) speaks {provider.Kind}; translating {Wire} {Endpoint} requests to it is not available yet");
    }

    private static Refusal Unavailable(string message) => new(501, "dialect_translation_unavailable", message);

    /// <summary>Through the canonical form to a provider of another wire format; null when the dialect has none (moderations).</summary>
    protected virtual Way? Translation(IUpstreamProtocol protocol) => null;

    /// <summary>The client's request for a provider of its own wire format, the model the upstream's.</summary>
    internal abstract HttpRequestMessage PassthroughRequest(Provider provider, RouteTarget target, UpstreamKey key);

    /// <summary>A whole answer passed through: its bytes as they came, its usage read in the client's wire format.</summary>
    internal abstract RelayedAnswer PassthroughAnswer(byte[] upstream, int estimatedTokens);

    /// <summary>What the dialect keeps of the answers it serves, before the client sees them end; null for most (one per request).</summary>
    internal virtual IAnswerKeeper? Keeper => null;

    /// <summary>What a passed-through stream's events go through (a new one for each stream); null for an API that does not stream.</summary>
    internal virtual IEventStrategy? PassthroughEvents() => null;

    /// <summary>The answer as it came, with the usage <paramref name="readUsage"/> finds in it (flagged estimated when it finds none).</summary>
    protected static RelayedAnswer AsItCame(byte[] upstream, Func<JsonElement, ChatUsage?> readUsage)
    {
        ChatUsage? usage;
        try
        {
            using var document = JsonDocument.Parse(upstream);
            usage = readUsage(document.RootElement);
        }
        catch (JsonException)
        {
            // Not JSON: it still reaches the client as it came.
            usage = null;
        }

        return new RelayedAnswer(upstream, usage, usage is null);
    }
}

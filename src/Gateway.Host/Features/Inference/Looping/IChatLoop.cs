using Gateway.Domain.Chat;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.Inference.Looping;

/// <summary>
/// What makes one client request more than one model call: after each call's whole answer, the loop says whether the
/// model is called again, with what, and what the client is shown in between (a gateway-run tool's call and result).
/// Every call is admitted, rotated, charged and recorded as one of its own by <see cref="InferenceRunner"/>; the client
/// gets one answer, or one stream kept open across the calls. One instance per client request, disposed at its end.
/// </summary>
internal interface IChatLoop : IAsyncDisposable
{
    /// <summary>
    /// The provider kind whose targets are sent the client's request as it came, without the loop, because they serve
    /// themselves what the loop stands in for (a provider's own web search); null when every target runs the loop. The
    /// choice is made per attempt, so a fallback chain may pass through on one target and loop on the next.
    /// </summary>
    ProviderKind? PassedThrough => null;

    /// <summary>The first call's request, made from the client's (e.g. with the loop's tools offered as functions).</summary>
    ChatRequest Begin(ChatRequest request);

    /// <summary>
    /// Whether a tool call the model makes is the loop's to answer: the client does not see it as the model made it
    /// (its deltas are held back), only what <see cref="NextAsync"/> shows of it.
    /// </summary>
    bool Holds(string toolName);

    /// <summary>After call number <paramref name="calls"/> answered <paramref name="answer"/> to <paramref name="sent"/>: the next step.</summary>
    Task<LoopStep> NextAsync(ChatRequest sent, ChatResponse answer, int calls, CancellationToken ct);
}

/// <summary>What a loop does after a call: stop (the client's answer ends), call the model again, or end with a refusal.</summary>
internal abstract record LoopStep
{
    private LoopStep(IReadOnlyList<ChatPart> shown) => Shown = shown;

    /// <summary>What the client is shown after the call's own parts, before the next call or the end.</summary>
    public IReadOnlyList<ChatPart> Shown { get; }

    /// <param name="finish">The answer's finish reason when it is not the last call's (the loop stopped the model, not the model itself).</param>
    public static LoopStep Done(IReadOnlyList<ChatPart>? shown = null, FinishReason? finish = null) => new Stop(shown ?? [], finish);

    public static LoopStep Again(ChatRequest next, IReadOnlyList<ChatPart>? shown = null) => new Continue(next, shown ?? []);

    public static LoopStep Refuse(Refusal refusal, IReadOnlyList<ChatPart>? shown = null) => new Refused(refusal, shown ?? []);

    /// <summary>The client's answer ends with this call.</summary>
    public sealed record Stop : LoopStep
    {
        internal Stop(IReadOnlyList<ChatPart> shown, FinishReason? finish)
            : base(shown) => Finish = finish;

        /// <summary>Null: the last call's own finish reason.</summary>
        public FinishReason? Finish { get; }
    }

    /// <summary>The model is called again with <see cref="Next"/>.</summary>
    public sealed record Continue : LoopStep
    {
        internal Continue(ChatRequest next, IReadOnlyList<ChatPart> shown)
            : base(shown) => Next = next;

        public ChatRequest Next { get; }
    }

    /// <summary>
    /// The loop cannot go on (a budget has no room for its next tool run): the client gets the refusal in its dialect,
    /// a stream after what it was shown. What ran before is recorded and charged.
    /// </summary>
    public sealed record Refused : LoopStep
    {
        internal Refused(Refusal refusal, IReadOnlyList<ChatPart> shown)
            : base(shown) => Refusal = refusal;

        public Refusal Refusal { get; }
    }
}

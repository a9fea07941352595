using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Inference.Looping;

/// <summary>
/// What makes one client request more than one model call: after each call's whole answer, the loop says whether the
/// model is called again, with what, and what the client is shown in between (a gateway-run tool's call and result).
/// Every call is admitted, rotated, charged and recorded as one of its own by <see cref="InferenceRunner"/>; the client
/// gets one answer, or one stream kept open across the calls. One instance per client request, disposed at its end.
/// </summary>
internal interface IChatLoop : IAsyncDisposable
{
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

/// <summary>What a loop does after a call: stop (the client's answer ends), or call the model again.</summary>
internal abstract record LoopStep
{
    private LoopStep(IReadOnlyList<ChatPart> shown) => Shown = shown;

    /// <summary>What the client is shown after the call's own parts, before the next call or the end.</summary>
    public IReadOnlyList<ChatPart> Shown { get; }

    public static LoopStep Done(IReadOnlyList<ChatPart>? shown = null) => new Stop(shown ?? []);

    public static LoopStep Again(ChatRequest next, IReadOnlyList<ChatPart>? shown = null) => new Continue(next, shown ?? []);

    /// <summary>The client's answer ends with this call.</summary>
    public sealed record Stop : LoopStep
    {
        internal Stop(IReadOnlyList<ChatPart> shown)
            : base(shown)
        {
        }
    }

    /// <summary>The model is called again with <see cref="Next"/>.</summary>
    public sealed record Continue : LoopStep
    {
        internal Continue(ChatRequest next, IReadOnlyList<ChatPart> shown)
            : base(shown) => Next = next;

        public ChatRequest Next { get; }
    }
}

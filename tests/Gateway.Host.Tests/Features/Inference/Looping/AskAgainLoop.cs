using Gateway.Domain.Chat;
using Gateway.Domain.Tenancy;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference;
using Gateway.Host.Features.Inference.Looping;

namespace Gateway.Host.Tests.Features.Inference.Looping;

/// <summary>
/// A loop for testing the run's mechanism, as the gateway's tools will use it: it answers the model's calls of a tool
/// named <c>lookup</c> itself (with "42"), and otherwise asks the model once more after its first answer; between the
/// calls it shows the client <see cref="Between"/>, after <see cref="Gate"/> opens (the test holds it to watch the wait).
/// </summary>
internal sealed class AskAgainLoop : IChatLoopSource, IChatLoop
{
    public const string Between = " | between | ";

    /// <summary>Opens the way to the next call; open unless a test closes it.</summary>
    public TaskCompletionSource Gate { get; set; } = Opened();

    /// <summary>The answers the loop read, one per call.</summary>
    public List<ChatResponse> Answers { get; } = [];

    public int Disposed { get; private set; }

    public RefusalOr<IChatLoop>? For(ChatDialect dialect, Principal principal, string requestId, IEnumerable<ProviderKind> kinds) => this;

    public ChatRequest Begin(ChatRequest request) => request;

    public bool Holds(string toolName) => toolName == "lookup";

    public async Task<LoopStep> NextAsync(ChatRequest sent, ChatResponse answer, int calls, CancellationToken ct)
    {
        Answers.Add(answer);
        await Gate.Task.WaitAsync(ct);
        var assistant = new ChatMessage(ChatRole.Assistant, answer.Parts);
        if (answer.Parts.OfType<ToolCallPart>().FirstOrDefault(c => c.Name == "lookup") is { } lookup)
        {
            var result = new ChatMessage(ChatRole.Tool, [new ToolResultPart(lookup.Id, "42")]);
            return LoopStep.Again(sent with { Messages = [.. sent.Messages, assistant, result] }, [new TextPart("(looked up)")]);
        }

        if (calls > 1)
            return LoopStep.Done();
        var again = new ChatMessage(ChatRole.User, [new TextPart("again")]);
        return LoopStep.Again(sent with { Messages = [.. sent.Messages, assistant, again] }, [new TextPart(Between)]);
    }

    public ValueTask DisposeAsync()
    {
        Disposed++;
        return ValueTask.CompletedTask;
    }

    private static TaskCompletionSource Opened()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}

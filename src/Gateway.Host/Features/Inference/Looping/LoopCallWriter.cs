using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Inference.Looping;

/// <summary>
/// The client's stream writer as one call of a loop sees it: the deltas go on to the client's writer, but for what
/// belongs to the run as a whole (its start, written once, and its finish, written when the loop stops) and the tool
/// calls the loop answers itself; tool calls shown are numbered across the run. Every delta is kept, so the loop reads
/// the call's whole answer. One instance per call.
/// </summary>
internal sealed class LoopCallWriter(IChatEventWriter client, IChatLoop loop, LoopStream stream) : IChatEventWriter
{
    private readonly Dictionary<int, int> _shownCalls = [];

    public StreamedAnswer Answer { get; } = new();

    public string KeepAlive => client.KeepAlive;

    public IEnumerable<string> Write(ChatDelta delta)
    {
        Answer.Add(delta);
        return delta switch
        {
            StreamStarted when stream.Started => [],
            StreamStarted => stream.Start(client.Write(delta)),
            ToolCallStarted call when loop.Holds(call.Name) => [],
            ToolCallStarted call => client.Write(call with { Index = _shownCalls[call.Index] = stream.NextToolCallIndex() }),
            ToolCallArgumentsDelta arguments => _shownCalls.TryGetValue(arguments.Index, out var index) ? client.Write(arguments with { Index = index }) : [],
            StreamFinished => [],
            _ => client.Write(delta),
        };
    }

    /// <summary>A call's end is not the stream's: the run completes it when the loop stops.</summary>
    public IEnumerable<string> Complete(ChatUsage usage) => [];

    public string Failure(int status, string code, string message) => client.Failure(status, code, message);
}

/// <summary>What the calls of one loop share of the client's stream.</summary>
internal sealed class LoopStream
{
    private int _toolCalls;

    /// <summary>Whether the client was sent the stream's start (the first call's).</summary>
    public bool Started { get; private set; }

    public IEnumerable<string> Start(IEnumerable<string> frames)
    {
        Started = true;
        return frames;
    }

    public int NextToolCallIndex() => _toolCalls++;
}

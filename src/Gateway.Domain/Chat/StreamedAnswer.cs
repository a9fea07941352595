using System.Text;

namespace Gateway.Domain.Chat;

/// <summary>
/// A streamed answer put back together from its deltas, for a run that must read the whole answer before it decides
/// what comes next (a tool loop): thinking and text runs become one part each, tool calls one part each with their
/// argument fragments joined, in the order they began.
/// </summary>
public sealed class StreamedAnswer
{
    private readonly List<PartBuilder> _parts = [];
    private readonly Dictionary<int, ToolCallBuilder> _calls = [];
    private StringBuilder? _run;
    private bool _runIsThinking;

    public string Id { get; private set; } = "";

    public string Model { get; private set; } = "";

    public FinishReason? FinishReason { get; private set; }

    /// <summary>The usage the stream reported by its end; null when it reported none.</summary>
    public ChatUsage? Usage { get; private set; }

    public void Add(ChatDelta delta)
    {
        switch (delta)
        {
            case StreamStarted started:
                (Id, Model) = (started.Id, started.Model);
                Usage ??= started.Usage;
                break;
            case TextDelta text:
                Append(text.Text, thinking: false);
                break;
            case ThinkingDelta thinking:
                Append(thinking.Text, thinking: true);
                break;
            case ToolCallStarted call:
                _run = null;
                var builder = new ToolCallBuilder(call.Id, call.Name, call.Signature);
                _calls[call.Index] = builder;
                _parts.Add(builder);
                break;
            case ToolCallArgumentsDelta arguments when _calls.TryGetValue(arguments.Index, out var started):
                started.Arguments.Append(arguments.JsonFragment);
                break;
            case StreamFinished finished:
                FinishReason = finished.Reason;
                Usage = finished.Usage ?? Usage;
                break;
        }
    }

    /// <summary>The answer as a whole one, with <paramref name="usage"/> (the reported one, or the relay's estimate).</summary>
    public ChatResponse ToResponse(ChatUsage usage) => new(Id, Model, [.. _parts.Select(p => p.Build())], FinishReason, usage);

    private void Append(string text, bool thinking)
    {
        if (_run is null || _runIsThinking != thinking)
        {
            _run = new StringBuilder();
            _runIsThinking = thinking;
            _parts.Add(new TextRun(_run, thinking));
        }

        _run.Append(text);
    }

    private abstract class PartBuilder
    {
        public abstract ChatPart Build();
    }

    private sealed class TextRun(StringBuilder text, bool thinking) : PartBuilder
    {
        public override ChatPart Build() => thinking ? new ThinkingPart(text.ToString()) : new TextPart(text.ToString());
    }

    private sealed class ToolCallBuilder(string id, string name, string? signature) : PartBuilder
    {
        public StringBuilder Arguments { get; } = new();

        public override ChatPart Build() => new ToolCallPart(id, name, Arguments.Length == 0 ? "{}" : Arguments.ToString(), signature);
    }
}

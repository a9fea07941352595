namespace Gateway.Tools;

/// <summary>What a run costs in the units <c>tool_prices</c> are set in: calls (a search), and seconds for tools priced by time.</summary>
public sealed record ToolUsage(int Calls, TimeSpan Duration)
{
    public static ToolUsage None { get; } = new(0, TimeSpan.Zero);

    public static ToolUsage OneCall(TimeSpan duration) => new(1, duration);
}

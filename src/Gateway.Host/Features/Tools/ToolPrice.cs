using Gateway.Tools;

namespace Gateway.Host.Features.Tools;

/// <summary>What one run of a gateway tool costs (<c>tool_prices</c>), in US dollars: per call, plus per second of the run.</summary>
internal sealed record ToolPrice(decimal PerCall, decimal PerSecond)
{
    public static ToolPrice Free { get; } = new(0m, 0m);

    /// <summary>What a run that used <paramref name="usage"/> is billed, to the ten places the usage record keeps.</summary>
    public decimal Cost(ToolUsage usage) => Math.Round(PerCall * usage.Calls + PerSecond * (decimal)usage.Duration.TotalSeconds, 10);

    /// <summary>The most one run can be billed when it may take up to <paramref name="longest"/>: what a budget holds before it runs.</summary>
    public decimal WorstCase(TimeSpan longest) => Math.Round(PerCall + PerSecond * (decimal)longest.TotalSeconds, 10, MidpointRounding.AwayFromZero);
}

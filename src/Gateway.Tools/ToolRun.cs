namespace Gateway.Tools;

public enum ToolRunStatus
{
    Succeeded,

    /// <summary>The model's arguments were not a call the tool can make (no query, a query too long, ...).</summary>
    InvalidArguments,

    /// <summary>The call was well formed but the tool could not carry it out (its backend failed, it is unavailable).</summary>
    Failed,
}

/// <summary>How one call of a gateway tool ended.</summary>
/// <param name="Text">What the model reads as the call's result; for a run that did not succeed, why.</param>
/// <param name="Result">The structured result for native shapes; null unless succeeded.</param>
/// <param name="Billable">What to bill; <see cref="ToolUsage.None"/> unless succeeded.</param>
public sealed record ToolRun(ToolRunStatus Status, string Text, ToolResult? Result, ToolUsage Billable)
{
    public bool Succeeded => Status == ToolRunStatus.Succeeded;

    public static ToolRun Success(string text, ToolResult result, ToolUsage billable) => new(ToolRunStatus.Succeeded, text, result, billable);

    public static ToolRun Invalid(string reason) => new(ToolRunStatus.InvalidArguments, reason, null, ToolUsage.None);

    public static ToolRun Failure(string reason) => new(ToolRunStatus.Failed, reason, null, ToolUsage.None);
}

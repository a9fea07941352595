namespace Gateway.Tools;

/// <summary>Whether a gateway tool can run; <see cref="Reason"/> says why not, in words an operator can act on.</summary>
public sealed record ToolAvailability(bool IsAvailable, string? Reason)
{
    public static ToolAvailability Available { get; } = new(true, null);

    public static ToolAvailability Unavailable(string reason) => new(false, reason);
}

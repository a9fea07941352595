namespace Gateway.Domain.Chat;

/// <summary>What the dialects' writers read of the gateway tool parts of an answer.</summary>
internal static class ServerToolParts
{
    /// <summary>The searches that ran for the answer, in the order they ran (a failed one has no results to cite).</summary>
    public static List<WebSearchOutcome> Searches(IEnumerable<ChatPart> parts) =>
        [.. parts.OfType<ServerToolResultPart>().Select(r => r.Outcome).OfType<WebSearchOutcome>()];
}

namespace Gateway.Tools.Outbound;

/// <summary>What one outbound call may cost: redirects followed (each hop checked again), answer size, and time for all of it.</summary>
/// <param name="MaxRedirects">0: a redirect is answered as it is, never followed. At most <see cref="RedirectCap"/>.</param>
/// <param name="MaxResponseBytes">A longer answer fails rather than being read on (bytes as sent: nothing is decompressed).</param>
/// <param name="Timeout">From the first connection to the last byte of the answer, redirects included.</param>
public sealed record OutboundLimits(int MaxRedirects, long MaxResponseBytes, TimeSpan Timeout)
{
    public const int RedirectCap = 5;

    /// <summary>
    /// When set, an answer of another media type (compared without parameters, in lower case) is not
    /// read: it comes back with its status and content type and an empty body, so a page fetch does not
    /// download megabytes of a PDF only to drop them.
    /// </summary>
    public IReadOnlySet<string>? MediaTypes { get; init; }

    /// <summary>A webhook names where it must be delivered: a redirect is not followed.</summary>
    public static OutboundLimits Webhook { get; } = new(0, 64 * 1024, TimeSpan.FromSeconds(10));

    /// <summary>A page or search answer chosen by a model.</summary>
    public static OutboundLimits Fetch { get; } = new(RedirectCap, 2 * 1024 * 1024, TimeSpan.FromSeconds(20));
}

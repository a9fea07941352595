namespace Gateway.Domain.Chat;

/// <summary>
/// Writes canonical deltas as one client dialect's stream (the client side of a stream), framed as the dialect
/// sends it: each string is ready to go on the wire as it is (SSE events, OpenAI's closing <c>data: [DONE]</c>,
/// the elements of Gemini's JSON array). One instance per stream.
/// </summary>
public interface IChatEventWriter
{
    /// <summary>The frames one delta becomes; none when it has none of its own.</summary>
    IEnumerable<string> Write(ChatDelta delta);

    /// <summary>What follows the last delta when the upstream ended normally, given the whole answer's usage.</summary>
    IEnumerable<string> Complete(ChatUsage usage);

    /// <summary>
    /// The frame that ends a stream which failed after it began, when no status can be sent any more: the dialect's
    /// error event, its type the one the dialect gives <paramref name="status"/>, the status the failure would have
    /// had before the first byte.
    /// </summary>
    /// <param name="code">A stable machine-readable reason, for the dialects whose error carries one (OpenAI's).</param>
    string Failure(int status, string code, string message);

    /// <summary>
    /// A frame that says nothing, sent while the gateway waits between the calls of one answer (a tool running, the
    /// next call's first byte), so that clients and proxies that close idle streams keep this one open.
    /// </summary>
    string KeepAlive { get; }
}

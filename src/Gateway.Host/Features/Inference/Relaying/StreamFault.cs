using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference.Relaying;

/// <summary>
/// Why a stream that had begun is ended with the client dialect's error event: the status the failure
/// would have had before the first byte (each dialect derives its error type from it) and a stable code.
/// </summary>
internal sealed record StreamFault(int Status, string Code, string Message)
{
    public static readonly StreamFault Interrupted = new(502, "upstream_stream_interrupted", "the upstream stream broke off before it finished");

    /// <summary>An error event the upstream sent in its own dialect, passed on in the client's.</summary>
    public static StreamFault UpstreamError(string message) => new(502, "upstream_error", message);

    /// <summary>The gateway itself failed while the stream was under way (<see cref="InferenceFaults"/>).</summary>
    public static StreamFault GatewayFailed(string message) => new(500, "internal_error", message);

    public static StreamFault IdleTimeout(UpstreamStalledException stall) => new(504, "stream_idle_timeout", $"{stall.Message}; the gateway ended the stream");
}

using System.Net;

namespace Gateway.Tools.Outbound;

/// <summary>A request to a destination a tenant or a model chose.</summary>
public sealed record OutboundRequest(HttpMethod Method, Uri Url)
{
    public byte[]? Body { get; init; }

    public string ContentType { get; init; } = "application/json";

    /// <summary>Sent on every hop; <c>Authorization</c> only while the origin stays the first one.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}

public enum OutboundStatus
{
    /// <summary>The destination answered (any HTTP status, a redirect that was not to be followed included).</summary>
    Answered,

    /// <summary>The guard would not let the request go: the reason names the rule and the host.</summary>
    Refused,

    /// <summary>The request went, or tried to, and did not come back whole: unresolvable name, connection, time or size cap.</summary>
    Failed,
}

/// <summary>How an outbound call ended. <see cref="Reason"/> names hosts, never a path or query.</summary>
/// <param name="Url">Where the answer came from, after redirects; null unless answered. Holds the path: never log it.</param>
public sealed record OutboundResponse(OutboundStatus Status, string Reason, HttpStatusCode? StatusCode, string? ContentType, byte[] Body, Uri? Url)
{
    public bool IsSuccess => Status == OutboundStatus.Answered && (int)StatusCode! is >= 200 and < 300;

    internal static OutboundResponse Refused(string reason) => new(OutboundStatus.Refused, reason, null, null, [], null);

    internal static OutboundResponse Failed(string reason) => new(OutboundStatus.Failed, reason, null, null, [], null);
}

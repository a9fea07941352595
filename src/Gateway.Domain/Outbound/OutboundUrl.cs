using System.Net;

namespace Gateway.Domain.Outbound;

/// <summary>The host of an outbound URL as the guard judges it: an address literal, or a name in one spelling.</summary>
public static class OutboundUrl
{
    /// <summary>
    /// Names a cloud's instance metadata service answers to (GCP, AWS); refused by name before any
    /// lookup, since inside that cloud they resolve to its metadata address.
    /// </summary>
    public static IReadOnlySet<string> MetadataNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
    };

    /// <summary>The address a URL names literally (<c>http://127.1/</c> and <c>http://0x7f000001/</c> included: <see cref="Uri"/> reads them as 127.0.0.1).</summary>
    public static IPAddress? Literal(Uri url) => url.HostNameType switch
    {
        UriHostNameType.IPv4 => IPAddress.Parse(url.Host),
        UriHostNameType.IPv6 => IPAddress.Parse(url.Host.Trim('[', ']')),
        _ => null,
    };

    /// <summary>The name to resolve and compare: punycode, lower case, without the trailing dot that DNS allows.</summary>
    public static string Host(Uri url) => Literal(url) is { } address ? address.ToString() : Normalize(url.IdnHost);

    public static string Normalize(string host) => host.TrimEnd('.').ToLowerInvariant();
}

using System.Net;
using Gateway.Domain.Outbound;

namespace Gateway.Tools.WebSearch;

/// <summary>
/// Which result URLs a search may return and fetch. An entry names a domain and covers it and every
/// subdomain, on label boundaries: <c>example.com</c> matches <c>example.com</c> and
/// <c>docs.example.com</c>, never <c>badexample.com</c>. With allowed domains, a URL must match one;
/// a blocked match always wins. The public suffix list is not consulted: an entry needs two labels
/// at least (<c>com</c> is refused), but <c>co.uk</c> would be taken as a domain.
/// </summary>
internal sealed class DomainFilter(IReadOnlyList<string> allowed, IReadOnlyList<string> blocked)
{
    public static DomainFilter None { get; } = new([], []);

    public IReadOnlyList<string> Allowed => allowed;

    public IReadOnlyList<string> Blocked => blocked;

    public bool IsEmpty => allowed.Count == 0 && blocked.Count == 0;

    public bool Permits(Uri url)
    {
        var host = OutboundUrl.Host(url);
        return !blocked.Any(d => Covers(d, host)) && (allowed.Count == 0 || allowed.Any(d => Covers(d, host)));
    }

    /// <summary>The entry as it is matched (lower case, no trailing dot, a leading <c>*.</c> dropped), or why it is not a domain.</summary>
    public static (string? Domain, string? Error) ParseEntry(string text)
    {
        var domain = text.Trim().TrimEnd('.').ToLowerInvariant();
        if (domain.StartsWith("*.", StringComparison.Ordinal))
            domain = domain[2..];
        if (domain.Contains("://", StringComparison.Ordinal) || domain.IndexOfAny(['/', ':', '@', '?', '#']) >= 0)
            return (null, "must be a domain name such as example.com, without scheme, port or path");
        if (IPAddress.TryParse(domain, out _))
            return (null, "must be a domain name, not an address");
        if (!domain.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') || Uri.CheckHostName(domain) != UriHostNameType.Dns)
            return (null, "must be a domain name in ASCII (xn-- punycode for international names)");
        if (!domain.Contains('.', StringComparison.Ordinal))
            return (null, "is a top-level domain; name a domain such as example.com");
        return (domain, null);
    }

    private static bool Covers(string domain, string host) =>
        host.Length == domain.Length
            ? host == domain
            : host.Length > domain.Length && host.EndsWith(domain, StringComparison.Ordinal) && host[^(domain.Length + 1)] == '.';
}

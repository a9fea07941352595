using System.Globalization;
using System.Net;

namespace Gateway.Domain.Outbound;

/// <summary>
/// What an operator explicitly permits past the guard (<c>outbound.allow</c>): CIDR ranges, addresses
/// and host names, each with an optional port. An entry without a port permits every port of what it
/// names; with a port, that port only. A host entry permits the name whatever it resolves to; an
/// address or range permits those addresses under any name. Nothing here lifts the scheme or
/// user-info rules.
/// </summary>
public sealed class OutboundAllowList
{
    /// <param name="Network">The addresses an address or range entry covers; null for a host entry.</param>
    /// <param name="Host">A host entry's name (lower case, no trailing dot); null for an address or range.</param>
    /// <param name="Port">The one port permitted; null for every port.</param>
    public sealed record Entry(string Text, IPNetwork? Network, string? Host, int? Port)
    {
        public bool PermitsPort(int port) => Port is null || Port == port;
    }

    private readonly Entry[] _entries;

    private OutboundAllowList(Entry[] entries) => _entries = entries;

    public static OutboundAllowList Empty { get; } = new([]);

    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>Every entry parsed, or the first one that is not an entry with why (the caller names where it stands).</summary>
    public static (OutboundAllowList? List, int BadIndex, string? Error) Parse(IReadOnlyList<string> texts)
    {
        var entries = new Entry[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var (entry, error) = ParseEntry(texts[i]);
            if (entry is null)
                return (null, i, error);
            entries[i] = entry;
        }

        return (new OutboundAllowList(entries), -1, null);
    }

    /// <summary>True when a host entry names <paramref name="host"/> (as <see cref="OutboundUrl.Normalize"/> gives it) on that port.</summary>
    public bool PermitsName(string host, int port) => _entries.Any(e => e.Host == host && e.PermitsPort(port));

    /// <summary>True when an address or range entry covers the address (an IPv4-mapped one as its IPv4 form) on that port.</summary>
    public bool PermitsAddress(IPAddress address, int port)
    {
        var plain = SpecialAddresses.Unmapped(address);
        return _entries.Any(e => e.Network is { } n && n.Contains(plain) && e.PermitsPort(port));
    }

    /// <summary>True when some entry could permit this port for this host: before resolving, it is all that can be known.</summary>
    public bool MayPermitPort(string host, int port) => _entries.Any(e => (e.Host is null || e.Host == host) && e.PermitsPort(port));

    internal static (Entry? Entry, string? Error) ParseEntry(string raw)
    {
        var text = raw.Trim();
        if (text.Length == 0)
            return (null, "is empty");
        if (text.Contains("://", StringComparison.Ordinal) || text.Contains('@', StringComparison.Ordinal))
            return (null, "must be a CIDR range, an IP address or host[:port], not a URL");
        if (text.Contains('/', StringComparison.Ordinal))
            return Range(text);
        if (text.StartsWith('['))
            return BracketedV6(text);
        if (IPAddress.TryParse(text, out var bare) && (bare.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || IsDottedQuad(text)))
            return (new Entry(text, Single(bare), null, null), null);

        var colon = text.LastIndexOf(':');
        var host = colon < 0 ? text : text[..colon];
        int? port = null;
        if (colon >= 0)
        {
            if (Port(text[(colon + 1)..]) is not { } p)
                return (null, "has a port that is not 1 to 65535");
            port = p;
        }

        if (IsDottedQuad(host) && IPAddress.TryParse(host, out var v4))
            return (new Entry(text, Single(v4), null, port), null);
        if (Uri.CheckHostName(host) != UriHostNameType.Dns || host.Contains("..", StringComparison.Ordinal))
            return (null, "is not a CIDR range, an IP address or host[:port]");
        return (new Entry(text, null, OutboundUrl.Normalize(host), port), null);
    }

    private static (Entry?, string?) Range(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(text[..slash], out var first) || !IPNetwork.TryParse(text, out var network)
            || (first.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IsDottedQuad(text[..slash])))
            return (null, "is not a CIDR range such as 10.1.2.0/24 or fd00::/8");
        // 10.1.2.3/24 parses as 10.1.2.0/24; an operator who wrote it may have meant a single address.
        if (!network.BaseAddress.Equals(first))
            return (null, $"has bits set past its prefix; write {network} for the range or {first} for the one address");
        return (new Entry(text, network, null, null), null);
    }

    private static (Entry?, string?) BracketedV6(string text)
    {
        var close = text.IndexOf(']', StringComparison.Ordinal);
        if (close < 0 || !IPAddress.TryParse(text[1..close], out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            return (null, "is not an IPv6 address in brackets, such as [fd00::5]:8443");
        var rest = text[(close + 1)..];
        if (rest.Length == 0)
            return (new Entry(text, Single(v6), null, null), null);
        return rest.StartsWith(':') && Port(rest[1..]) is { } port
            ? (new Entry(text, Single(v6), null, port), null)
            : (null, "has a port that is not 1 to 65535");
    }

    // An IPv4-mapped entry means its IPv4 address, as the addresses it is matched against do.
    private static IPNetwork Single(IPAddress address)
    {
        var plain = SpecialAddresses.Unmapped(address);
        return new IPNetwork(plain, plain.GetAddressBytes().Length * 8);
    }

    private static int? Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;

    // IPAddress.TryParse takes "8443" and "10.1" as IPv4 too; an entry names an address only in full.
    private static bool IsDottedQuad(string text) =>
        text.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit));
}

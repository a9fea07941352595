using System.Net;

namespace Gateway.Domain.Outbound;

/// <summary>Why an address is no place for a tenant's or a model's request to go; <see cref="What"/> is how messages say it.</summary>
public sealed record AddressKind(string Name, string What)
{
    public static readonly AddressKind Unspecified = new("unspecified", "an unspecified address");
    public static readonly AddressKind Loopback = new("loopback", "a loopback address");
    public static readonly AddressKind Private = new("private", "a private address");
    public static readonly AddressKind LinkLocal = new("link-local", "a link-local address");
    public static readonly AddressKind SharedCgnat = new("cgnat", "a shared (CGNAT) address");
    public static readonly AddressKind Multicast = new("multicast", "a multicast address");
    public static readonly AddressKind Reserved = new("reserved", "a reserved address");
    public static readonly AddressKind Documentation = new("documentation", "a documentation address");
    public static readonly AddressKind CloudMetadata = new("metadata", "a cloud metadata address");
}

/// <summary>An address the guard refuses, as a message names it: "::ffff:10.0.0.1 (IPv4-mapped 10.0.0.1)", "a private address".</summary>
/// <param name="Via">How an IPv4 address was carried inside an IPv6 one (IPv4-mapped, NAT64, 6to4); null when it was not.</param>
public sealed record SpecialAddress(IPAddress Address, AddressKind Kind, string? Via, IPAddress? Embedded)
{
    public string Subject => Via is null ? Address.ToString() : $"{Address} ({Via} {Embedded})";
}

/// <summary>
/// The IANA special-purpose ranges (RFC 6890 and its successors) that are not globally reachable,
/// plus the cloud metadata addresses. IPv6 outside global unicast (2000::/3) counts as reserved, and
/// an IPv4 address carried in IPv6 (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16) is judged as
/// the IPv4 address it carries: the network delivers it there.
/// </summary>
public static class SpecialAddresses
{
    // Most specific first: the first match names the kind.
    private static readonly (IPNetwork Network, AddressKind Kind)[] Ranges =
    [
        // AWS, GCP, Azure, OCI (169.254.169.254), AWS ECS tasks, Azure WireServer, Alibaba, AWS over IPv6.
        (IPNetwork.Parse("169.254.169.254/32"), AddressKind.CloudMetadata),
        (IPNetwork.Parse("169.254.170.2/32"), AddressKind.CloudMetadata),
        (IPNetwork.Parse("168.63.129.16/32"), AddressKind.CloudMetadata),
        (IPNetwork.Parse("100.100.100.200/32"), AddressKind.CloudMetadata),
        (IPNetwork.Parse("fd00:ec2::254/128"), AddressKind.CloudMetadata),

        (IPNetwork.Parse("0.0.0.0/8"), AddressKind.Unspecified),
        (IPNetwork.Parse("10.0.0.0/8"), AddressKind.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressKind.SharedCgnat),
        (IPNetwork.Parse("127.0.0.0/8"), AddressKind.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressKind.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), AddressKind.Private),
        (IPNetwork.Parse("192.0.0.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), AddressKind.Documentation),
        (IPNetwork.Parse("192.88.99.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("192.168.0.0/16"), AddressKind.Private),
        (IPNetwork.Parse("198.18.0.0/15"), AddressKind.Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), AddressKind.Documentation),
        (IPNetwork.Parse("203.0.113.0/24"), AddressKind.Documentation),
        (IPNetwork.Parse("224.0.0.0/4"), AddressKind.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressKind.Reserved),

        (IPNetwork.Parse("::/128"), AddressKind.Unspecified),
        (IPNetwork.Parse("::1/128"), AddressKind.Loopback),
        (IPNetwork.Parse("64:ff9b:1::/48"), AddressKind.Reserved),
        (IPNetwork.Parse("2001::/23"), AddressKind.Reserved),
        (IPNetwork.Parse("2001:db8::/32"), AddressKind.Documentation),
        (IPNetwork.Parse("3fff::/20"), AddressKind.Documentation),
        (IPNetwork.Parse("fc00::/7"), AddressKind.Private),
        (IPNetwork.Parse("fe80::/10"), AddressKind.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), AddressKind.Private),
        (IPNetwork.Parse("ff00::/8"), AddressKind.Multicast),
    ];

    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Null for a globally reachable address; otherwise what it is.</summary>
    public static SpecialAddress? Classify(IPAddress address)
    {
        if (Embedded(address) is ({ } via, { } inner))
            return KindOf(inner) is { } kind ? new SpecialAddress(address, kind, via, inner) : null;
        return KindOf(address) is { } own ? new SpecialAddress(address, own, null, null) : null;
    }

    /// <summary>The IPv4 address an IPv4-mapped address stands for; any other address as it is.</summary>
    public static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static AddressKind? KindOf(IPAddress address)
    {
        var plain = WithoutScope(address);
        foreach (var (network, kind) in Ranges)
        {
            if (network.Contains(plain))
                return kind;
        }

        return plain.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !GlobalUnicast.Contains(plain) ? AddressKind.Reserved : null;
    }

    private static (string? Via, IPAddress? Inner) Embedded(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            return ("IPv4-mapped", address.MapToIPv4());
        var plain = WithoutScope(address);
        if (Nat64.Contains(plain))
            return ("NAT64 of", new IPAddress(plain.GetAddressBytes().AsSpan(12, 4)));
        if (SixToFour.Contains(plain))
            return ("6to4 of", new IPAddress(plain.GetAddressBytes().AsSpan(2, 4)));
        return (null, null);
    }

    // fe80::1%eth0 and fe80::1 are the same address to a range.
    private static IPAddress WithoutScope(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;
}

using System.Net;

namespace Gateway.Domain.Outbound;

/// <summary>
/// Where the gateway may send a request whose destination a tenant or a model chose: http or https,
/// no user name or password in the URL, ports 80 and 443, and no address that is not globally
/// reachable (<see cref="SpecialAddresses"/>) nor a metadata name, unless <see cref="OutboundAllowList"/> permits it.
/// Each check answers null when the destination is acceptable, otherwise why not, naming the host
/// but never the URL's path or query (they may hold tokens).
/// </summary>
public sealed class OutboundRules(OutboundAllowList allow)
{
    private const string HowToAllow = "allow it with outbound.allow";

    public OutboundAllowList Allow => allow;

    /// <summary>Everything that can be judged before the host is resolved; an address literal is judged in full.</summary>
    public string? CheckUrl(Uri url)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
            return "must be an http or https URL";
        if (url.UserInfo.Length > 0)
            return "must not carry a user name or password (they would be sent to whoever answers, and logged)";
        var host = OutboundUrl.Host(url);
        if (host.Length == 0)
            return "must name a host";
        if (OutboundUrl.Literal(url) is { } literal)
            return CheckAddresses(host, url.Port, [literal]);
        if (allow.PermitsName(host, url.Port))
            return null;
        if (OutboundUrl.MetadataNames.Contains(host))
            return $"{host} is a cloud metadata name; {HowToAllow}";
        return StandardPort(url.Port) || allow.MayPermitPort(host, url.Port) ? null : PortRefusal(host, url.Port);
    }

    /// <summary>Whether <paramref name="host"/> may be reached on <paramref name="port"/> at these addresses: every one must pass.</summary>
    public string? CheckAddresses(string host, int port, IReadOnlyList<IPAddress> addresses)
    {
        if (allow.PermitsName(host, port))
            return null;
        var literal = addresses.Count == 1 && addresses[0].ToString() == host;
        foreach (var address in addresses)
        {
            if (allow.PermitsAddress(address, port))
                continue;
            if (SpecialAddresses.Classify(address) is { } special)
                return literal ? $"{special.Subject} is {special.Kind.What}; {HowToAllow}" : $"{host} resolves to {special.Subject}, {special.Kind.What}; {HowToAllow}";
            if (!StandardPort(port))
                return PortRefusal(host, port);
        }

        return null;
    }

    private static bool StandardPort(int port) => port is 80 or 443;

    private static string PortRefusal(string host, int port) =>
        $"port {port} is not 80 or 443; allow {(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port} with outbound.allow";
}

using System.Net;
using System.Net.Sockets;
using Gateway.Domain.Outbound;

namespace Gateway.Tools.Outbound;

/// <summary>The guard's word on a destination: the addresses it may connect to, or why not.</summary>
/// <param name="Refusal">The rules refuse the destination (<see cref="OutboundRules"/>); set, the request must not go.</param>
/// <param name="Failure">The destination could not be judged: its name does not resolve.</param>
public sealed record OutboundCheck(IReadOnlyList<IPAddress> Addresses, string? Refusal, string? Failure)
{
    public bool Allowed => Refusal is null && Failure is null;

    public string? Reason => Refusal ?? Failure;

    internal static OutboundCheck Refused(string reason) => new([], reason, null);

    internal static OutboundCheck Failed(string reason) => new([], null, reason);
}

/// <summary>
/// Applies <see cref="OutboundRules"/> to a URL or to a host and port, resolving names through the
/// injected <see cref="IHostResolver"/>: when a URL is stored, and again by
/// <see cref="OutboundClient"/> for every connection it opens.
/// </summary>
public sealed class OutboundGuard(OutboundRules rules, IHostResolver resolver)
{
    public OutboundRules Rules => rules;

    public async Task<OutboundCheck> CheckAsync(Uri url, CancellationToken ct) =>
        rules.CheckUrl(url) is { } refusal ? OutboundCheck.Refused(refusal) : await VetAsync(OutboundUrl.Host(url), url.Port, ct);

    /// <summary>Resolves <paramref name="host"/> (an address literal stands for itself) and judges every address it answers.</summary>
    public async Task<OutboundCheck> VetAsync(string host, int port, CancellationToken ct)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            host = literal.ToString();
            addresses = [literal];
        }
        else
        {
            host = OutboundUrl.Normalize(host);
            try
            {
                addresses = await resolver.ResolveAsync(host, ct);
            }
            catch (SocketException e)
            {
                return OutboundCheck.Failed($"{host} does not resolve ({e.SocketErrorCode})");
            }
        }

        if (rules.CheckAddresses(host, port, addresses) is { } refusal)
            return OutboundCheck.Refused(refusal);
        return addresses.Length == 0 ? OutboundCheck.Failed($"{host} resolves to no address") : new OutboundCheck(addresses, null, null);
    }
}

using System.Net;

namespace Gateway.Tools.Outbound;

/// <summary>Turns a host name into addresses. The guard asks it once per connection and connects only to what it answered.</summary>
public interface IHostResolver
{
    /// <exception cref="System.Net.Sockets.SocketException">The name does not resolve.</exception>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

/// <summary>The operating system's resolver (hosts file, then DNS).</summary>
public sealed class SystemHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}

using System.Net;
using Gateway.Host.Features.Providers;

namespace Gateway.Host.Features.Upstreams;

/// <summary>
/// One pooled connection stack for every upstream call: no proxy, no redirects, no decompression (bytes
/// pass through as they came), no cookies, and no trace headers (the gateway's trace ids are not the
/// provider's business, and without a propagator no Activity is made per call). Responses are read as
/// they arrive, never buffered first.
/// A mock provider's calls go to <see cref="MockUpstream"/> instead, chosen by the provider, never by
/// the URL: nothing a request says can send it to the mock, or a mock request onto the network.
/// </summary>
/// <param name="network">The handler of every call that leaves the process: <see cref="NetworkHandler"/>, or a test's.</param>
internal sealed class UpstreamHttp(HttpMessageHandler network) : IDisposable
{
    private readonly HttpMessageInvoker _network = new(network);

    private readonly HttpMessageInvoker _mock = new(new MockUpstream());

    public static SocketsHttpHandler NetworkHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = null,
    };

    /// <summary>Sends and returns as soon as the headers are in; the body is streamed by the caller.</summary>
    public Task<HttpResponseMessage> SendAsync(Provider provider, HttpRequestMessage request, CancellationToken ct) =>
        (provider.Mock ? _mock : _network).SendAsync(request, ct);

    public void Dispose()
    {
        _network.Dispose();
        _mock.Dispose();
    }
}

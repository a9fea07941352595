using System.Net;
using Gateway.Host.Features.Providers;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// One pooled connection stack for every upstream call: no proxy, no redirects, no decompression (bytes
/// pass through as they came), no cookies. Responses are read as they arrive, never buffered first.
/// </summary>
internal sealed class UpstreamHttp : IDisposable
{
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        EnableMultipleHttp2Connections = true,
    });

    /// <summary>Sends and returns as soon as the headers are in; the body is streamed by the caller.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        request.RequestUri?.Host == MockUpstream.Host ? MockUpstream.AnswerAsync(request, ct) : _invoker.SendAsync(request, ct);

    public void Dispose() => _invoker.Dispose();
}

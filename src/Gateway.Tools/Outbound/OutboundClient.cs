using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Gateway.Domain.Outbound;

namespace Gateway.Tools.Outbound;

/// <summary>
/// The one HTTP client for destinations a tenant or a model can influence (budget webhooks now; search
/// backends and page fetches next). No proxy from the environment, no cookies, no decompression, no
/// automatic redirects. Every connection it opens resolves the host through the guard's resolver,
/// vets every address, and connects to a vetted address itself, so a DNS answer that changes between
/// a check and the connect (rebinding) meets the rules again. Redirects are followed only as
/// <see cref="OutboundLimits"/> says, each hop checked as the first was.
/// </summary>
/// <remarks>
/// Written here rather than taken from Microsoft.Security.AntiSSRF 1.0.1: that handler has no resolver
/// to inject (so "a name that resolves to 127.0.0.1" cannot be tested without real DNS), allows only
/// addresses and CIDRs (no host:port entries), has no port rule, reports refusals as exception text
/// rather than a reason naming the range, and caps neither answer size nor time.
/// </remarks>
public sealed class OutboundClient : IDisposable
{
    private static readonly string[] OriginBoundHeaders = ["Authorization", "Cookie"];

    private readonly OutboundGuard _guard;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;

    public OutboundClient(OutboundGuard guard, TimeProvider time)
    {
        _guard = guard;
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxResponseHeadersLength = 64,
            // An answer left unread (a page of a media type not wanted) closes its connection rather than being drained for reuse.
            MaxResponseDrainSize = 0,
            // A kept-alive connection was vetted when it opened; this bounds how long a changed DNS answer goes unseen.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<OutboundResponse> SendAsync(OutboundRequest request, OutboundLimits limits, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limits.MaxRedirects, OutboundLimits.RedirectCap);
        using var timeout = new CancellationTokenSource(limits.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var (method, url, body) = (request.Method, request.Url, request.Body);
        var hop = 0;
        try
        {
            for (; ; hop++)
            {
                if (_guard.Rules.CheckUrl(url) is { } refusal)
                    return OutboundResponse.Refused(AtHop(hop, url, refusal));
                using var message = Message(request, method, url, body);
                using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                if (limits.MaxRedirects == 0 || !IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
                    return await ReadAsync(response, url, limits, linked.Token);
                if (hop == limits.MaxRedirects)
                    return OutboundResponse.Failed($"more than {limits.MaxRedirects} redirects");
                (method, body) = RedirectedMethod(response.StatusCode, method, body);
                url = new Uri(url, location);
            }
        }
        catch (HttpRequestException e) when (e.InnerException is OutboundVettingException refused)
        {
            var reason = AtHop(hop, url, refused.Check.Reason!);
            return refused.Check.Refusal is not null ? OutboundResponse.Refused(reason) : OutboundResponse.Failed(reason);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return OutboundResponse.Failed($"no answer within {limits.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return OutboundResponse.Failed(AtHop(hop, url, Describe(e)));
        }
    }

    public void Dispose() => _http.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var check = await _guard.VetAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct);
        if (!check.Allowed)
            throw new OutboundVettingException(check);
        SocketException? last = null;
        foreach (var address in check.Addresses)
        {
            var endpoint = new IPEndPoint(SpecialAddresses.Unmapped(address), context.DnsEndPoint.Port);
            var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endpoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    private static HttpRequestMessage Message(OutboundRequest request, HttpMethod method, Uri url, byte[]? body)
    {
        // HTTP/3 would open QUIC connections, which never pass through the connect callback.
        var message = new HttpRequestMessage(method, url) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        if (body is not null)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
        }

        var sameOrigin = Uri.Compare(url, request.Url, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
        foreach (var (name, value) in request.Headers)
        {
            if (sameOrigin || !OriginBoundHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
                message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    private static async Task<OutboundResponse> ReadAsync(HttpResponseMessage response, Uri url, OutboundLimits limits, CancellationToken ct)
    {
        var tooLarge = $"the answer is larger than {limits.MaxResponseBytes.ToString(CultureInfo.InvariantCulture)} bytes";
        var contentType = response.Content.Headers.ContentType;
        if (limits.MediaTypes is { } wanted && !wanted.Contains(contentType?.MediaType?.ToLowerInvariant() ?? ""))
            return new OutboundResponse(OutboundStatus.Answered, $"HTTP {(int)response.StatusCode}", response.StatusCode, contentType?.ToString(), [], url);
        if (response.Content.Headers.ContentLength > limits.MaxResponseBytes)
            return OutboundResponse.Failed(tooLarge);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (body.Length + read > limits.MaxResponseBytes)
                return OutboundResponse.Failed(tooLarge);
            body.Write(chunk, 0, read);
        }

        return new OutboundResponse(
            OutboundStatus.Answered, $"HTTP {(int)response.StatusCode}", response.StatusCode, contentType?.ToString(), body.ToArray(), url);
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>307 and 308 repeat the request as it was; 303, and 301 or 302 after a POST, continue with a GET (as browsers do).</summary>
    private static (HttpMethod, byte[]?) RedirectedMethod(HttpStatusCode status, HttpMethod method, byte[]? body)
    {
        var toGet = status == HttpStatusCode.SeeOther
            ? method != HttpMethod.Head
            : status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && method == HttpMethod.Post;
        return toGet ? (HttpMethod.Get, null) : (method, body);
    }

    private static string AtHop(int hop, Uri url, string reason) =>
        hop == 0 ? reason : url.IsAbsoluteUri && url.Host.Length > 0 ? $"redirect {hop} to {OutboundUrl.Host(url)}: {reason}" : $"redirect {hop}: {reason}";

    // The socket's own words ("Connection refused"), never HttpClient's, which may quote the URL.
    private static string Describe(Exception e) =>
        e.InnerException is SocketException socket ? $"could not connect ({socket.SocketErrorCode})"
        : e is HttpRequestException { HttpRequestError: var error } && error != HttpRequestError.Unknown ? $"the request failed ({error})"
        : "the connection broke before the answer was complete";

    /// <summary>Carries the guard's refusal out of the connect callback, through HttpClient, to <see cref="SendAsync"/>.</summary>
    private sealed class OutboundVettingException(OutboundCheck check) : Exception(check.Reason)
    {
        public OutboundCheck Check => check;
    }
}

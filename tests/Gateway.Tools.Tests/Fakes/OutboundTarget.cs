using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Gateway.Host.Tests.Fakes;

namespace Gateway.Tools.Tests.Fakes;

/// <summary>
/// A server on 127.0.0.1 for the outbound client to call: an answer that keeps each request, redirects
/// (a chain of n hops, or to a given location with a given status), answers of a given size with or
/// without a length, and one that never answers.
/// </summary>
internal sealed class OutboundTarget : IAsyncDisposable
{
    /// <param name="Authorization">The header as it arrived; null when it did not.</param>
    internal sealed record Hit(string Method, string Path, string Host, string? Authorization, string Body);

    private WebApplication _app = null!;

    /// <summary>http://127.0.0.1:{port}, without a trailing slash.</summary>
    public string Address { get; private set; } = "";

    public int Port => new Uri(Address).Port;

    /// <summary>Every request to <c>/ok</c>, in order.</summary>
    public ConcurrentQueue<Hit> Hits { get; } = new();

    /// <summary>Completes when a request to <c>/hang</c> has arrived (it is then held until the caller goes).</summary>
    public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<OutboundTarget> StartAsync()
    {
        var target = new OutboundTarget();
        var (app, address) = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/ok", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                target.Hits.Enqueue(new Hit(
                    context.Request.Method, context.Request.Path, context.Request.Host.Host, context.Request.Headers.Authorization.FirstOrDefault(), await reader.ReadToEndAsync()));
                return Results.Text("ok");
            });
            app.MapGet("/chain/{hops:int}", (int hops) => hops == 0 ? Results.Text("arrived") : Results.Redirect($"/chain/{hops - 1}"));
            app.Map("/to", (string location, int? status) => new RedirectResult(location, status ?? 302));
            app.MapGet("/size/{bytes:int}", (int bytes, bool? chunked, HttpContext context) =>
            {
                var body = new byte[bytes];
                Array.Fill(body, (byte)'x');
                return chunked is true
                    ? Results.Stream(async stream => await stream.WriteAsync(body, context.RequestAborted))
                    : Results.Bytes(body, "application/octet-stream");
            });
            app.MapGet("/hang", async (HttpContext context) =>
            {
                target.Hanging.TrySetResult();
                var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await using (context.RequestAborted.Register(() => aborted.TrySetResult()))
                    await aborted.Task;
            });
        });
        target._app = app;
        target.Address = address;
        return target;
    }

    public Uri Url(string pathAndQuery) => new(Address + pathAndQuery);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>A redirect with any 3xx status and an exact Location (Results.Redirect knows only 301, 302, 307 and 308).</summary>
    private sealed class RedirectResult(string location, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}

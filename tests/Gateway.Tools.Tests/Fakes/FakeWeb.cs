using System.Collections.Concurrent;
using System.Text;
using Gateway.Host.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tools.Tests.Fakes;

/// <summary>
/// Web pages on 127.0.0.1, reached under any host name the test's resolver points at it: the HTML
/// fixtures of <c>WebSearch/Pages</c> by name, plain text, a PDF, a page larger than the cap, one
/// that never answers, redirects, error statuses. Every request is kept with the host it named.
/// </summary>
internal sealed class FakeWeb : IAsyncDisposable
{
    internal sealed record Hit(string Host, string Path);

    private WebApplication _app = null!;

    public string Address { get; private set; } = "";

    public int Port => new Uri(Address).Port;

    public ConcurrentQueue<Hit> Hits { get; } = new();

    /// <summary>Completes when <c>/slow</c> has been asked for (it then answers nothing until the caller goes).</summary>
    public TaskCompletionSource SlowAsked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the client hung up on <c>/report.pdf</c>, a PDF that never ends.</summary>
    public TaskCompletionSource PdfAbandoned { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Requests to <c>/together/*</c> waiting for the others.</summary>
    private readonly TaskCompletionSource _together = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _togetherArrived;

    /// <summary>Released once for each request to <c>/together/*</c> as it arrives.</summary>
    public SemaphoreSlim TogetherArrivals { get; } = new(0);

    public static async Task<FakeWeb> StartAsync()
    {
        var web = new FakeWeb();
        var (app, address) = await LoopbackServer.StartAsync(app =>
        {
            app.Use(async (context, next) =>
            {
                web.Hits.Enqueue(new Hit(context.Request.Host.Host, context.Request.Path + context.Request.QueryString));
                await next(context);
            });
            app.MapGet("/pages/{name}", (string name) => Results.Text(File.ReadAllText(Fixture(name)), "text/html; charset=utf-8"));
            app.MapGet("/latin1", () => Results.Bytes(Encoding.Latin1.GetBytes(
                "<html><head><title>Caf\u00e9</title></head><body><p>Cr\u00e8me br\u00fbl\u00e9e, na\u00efve fa\u00e7ade.</p></body></html>"), "text/html; charset=windows-1252"));
            app.MapGet("/notes.txt", () => Results.Text("Tide tables\r\n\r\nHigh water 06:12, low water 12:30.\r\n", "text/plain; charset=utf-8"));
            app.MapGet("/report.pdf", async (HttpContext context) =>
            {
                context.Response.ContentType = "application/pdf";
                var chunk = new byte[64 * 1024];
                try
                {
                    // Kestrel may drop writes to a closed connection without an error: the token is what tells.
                    while (!context.RequestAborted.IsCancellationRequested)
                        await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException)
                {
                    // The client hung up, as it should.
                }

                web.PdfAbandoned.TrySetResult();
            });
            // Each request waits until {count} of them are in at once, then answers: only a concurrent fetcher gets answers.
            app.MapGet("/together/{count:int}/{name}", async (int count, string name, HttpContext context) =>
            {
                if (Interlocked.Increment(ref web._togetherArrived) >= count)
                    web._together.TrySetResult();
                web.TogetherArrivals.Release();
                await web._together.Task.WaitAsync(context.RequestAborted);
                return Results.Text($"<html><head><title>{name}</title></head><body><p>Page {name} answered once all {count} were asked.</p></body></html>", "text/html");
            });
            app.MapGet("/huge", async (HttpContext context) =>
            {
                context.Response.ContentType = "text/html";
                var chunk = Encoding.ASCII.GetBytes("<p>" + new string('x', 64 * 1024 - 7) + "</p>");
                for (var i = 0; i < 100 && !context.RequestAborted.IsCancellationRequested; i++)
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            });
            app.MapGet("/slow", async (HttpContext context) =>
            {
                web.SlowAsked.TrySetResult();
                var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await using (context.RequestAborted.Register(() => aborted.TrySetResult()))
                    await aborted.Task;
            });
            app.MapGet("/scripted", () => Results.Text("<html><body><div id=app></div><script>render()</script></body></html>", "text/html"));
            app.MapGet("/redirect", (string to) => Results.Redirect(to));
            // Whatever follows the port, a redirect to that port on 127.0.0.1: a base URL that moved somewhere private.
            app.MapMethods("/bounce/{port:int}/{**rest}", ["GET", "POST"], (int port) => Results.Redirect($"http://127.0.0.1:{port}/"));
            app.MapGet("/status/{code:int}", (int code) => Results.Text("<html><body><p>Not here.</p></body></html>", "text/html", statusCode: code));
        });
        web._app = app;
        web.Address = address;
        return web;
    }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "WebSearch", "Pages", name);

    /// <summary>The requests that named <paramref name="path"/> (path and query), under any host.</summary>
    public int HitsTo(string path) => Hits.Count(h => h.Path == path);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

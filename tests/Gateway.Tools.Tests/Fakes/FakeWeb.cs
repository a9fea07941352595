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

    /// <summary>Bytes of the PDF written before the client hung up; the client should hang up at once.</summary>
    public long PdfBytesWritten;

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
                for (var i = 0; i < 160 && !context.RequestAborted.IsCancellationRequested; i++)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    Interlocked.Add(ref web.PdfBytesWritten, chunk.Length);
                }
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

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Fakes;

/// <summary>A webhook endpoint on 127.0.0.1 that keeps every JSON body posted to it, with its headers.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    /// <param name="Raw">The body's exact bytes, which the signature covers.</param>
    internal sealed record Delivery(JsonObject Body, string? Event, string? UserAgent, string? Signature, byte[] Raw);

    private WebApplication _app = null!;

    public Uri Url { get; private set; } = null!;

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    /// <summary>Answer this many posts with 503 before taking them, to exercise the sender's retries.</summary>
    public int FailFirst { get; set; }

    /// <summary>Answer every post with a 302 to this address instead of taking it.</summary>
    public Uri? RedirectTo { get; set; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        var failed = 0;
        var (app, address) = await LoopbackServer.StartAsync(app => app.MapPost("/hooks/budget", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref failed) <= receiver.FailFirst)
                return Results.StatusCode(503);
            if (receiver.RedirectTo is { } elsewhere)
                return Results.Redirect(elsewhere.ToString());
            using var raw = new MemoryStream();
            await context.Request.Body.CopyToAsync(raw);
            var body = JsonNode.Parse(raw.ToArray())!.AsObject();
            receiver.Deliveries.Enqueue(new Delivery(
                body, context.Request.Headers["X-Gateway-Event"], context.Request.Headers.UserAgent, context.Request.Headers["X-Gateway-Signature"], raw.ToArray()));
            return Results.NoContent();
        }));
        receiver._app = app;
        receiver.Url = new Uri(address + "/hooks/budget");
        return receiver;
    }

    /// <summary>Waits until <paramref name="count"/> deliveries arrived, then returns them all.</summary>
    public async Task<IReadOnlyList<Delivery>> WaitForAsync(int count, TimeSpan within)
    {
        await Eventually.Until(() => Deliveries.Count, n => n >= count, $"{count} webhook deliveries to {Url}", within);
        return [.. Deliveries];
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

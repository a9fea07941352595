using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Fakes;

/// <summary>
/// Anthropic's Messages API on 127.0.0.1: a real Kestrel server that answers text or a tool call,
/// streamed with Anthropic's event sequence or not, and can be scripted per key to refuse.
/// </summary>
internal sealed partial class FakeAnthropicUpstream : IAsyncDisposable
{
    internal sealed record Received(string Key, string? Version, JsonObject Body, string Path = "/v1/messages", string? Beta = null);

    internal sealed record Refusal(int Status, string Body);

    /// <summary>Usage as Anthropic counts it: input apart from the cache reads and the writes of each lifetime.</summary>
    internal sealed record Usage(int Input, int CacheRead, int CacheWrite5m, int CacheWrite1h, int Output);

    private WebApplication _app = null!;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Refusal>> _refusals = new();


    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>When set, the next answers call this tool instead of answering in text.</summary>
    public string? CallTool { get; set; }

    /// <summary>
    /// When set, every answer reports this usage, streamed or not: message_start carries it with one output token, and
    /// message_delta repeats the input and cache counts with the output, cumulative, as current API versions do.
    /// </summary>
    public Usage? Reports { get; set; }

    public void Refuse(string key, int status, string body) =>
        _refusals.GetOrAdd(key, _ => new ConcurrentQueue<Refusal>()).Enqueue(new Refusal(status, body));

    public static async Task<FakeAnthropicUpstream> StartAsync()
    {
        var fake = new FakeAnthropicUpstream();
        (fake._app, var address) = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/v1/messages", fake.HandleAsync);
            app.MapPost("/v1/messages/count_tokens", fake.CountAsync);
        });
        fake.BaseUrl = new Uri(address + "/");
        return fake;
    }

    private async Task<(string Key, JsonObject Body)> ReceiveAsync(HttpContext context)
    {
        var key = context.Request.Headers["x-api-key"].ToString();
        var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
        var beta = context.Request.Headers.TryGetValue("anthropic-beta", out var b) ? b.ToString() : null;
        Requests.Enqueue(new Received(key, context.Request.Headers["anthropic-version"].ToString(), body, context.Request.Path, beta));
        return (key, body);
    }

    private async Task CountAsync(HttpContext context)
    {
        await ReceiveAsync(context);
        await context.Response.WriteAsJsonAsync(new { input_tokens = 42 });
    }

    private async Task HandleAsync(HttpContext context)
    {
        var (key, body) = await ReceiveAsync(context);
        if (_refusals.TryGetValue(key, out var queue) && queue.TryDequeue(out var refusal))
        {
            context.Response.StatusCode = refusal.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(refusal.Body);
            return;
        }

        var model = (string)body["model"]!;
        if (_script.TryDequeue(out var scripted))
        {
            await AnswerAsync(context, model, body["stream"]?.GetValueKind() == JsonValueKind.True, scripted);
            return;
        }

        var tool = CallTool;
        if (body["stream"]?.GetValueKind() != JsonValueKind.True)
        {
            object content = tool is null
                ? new object[] { new { type = "text", text = "Hello from Claude" } }
                : new object[] { new { type = "text", text = "Checking." }, new { type = "tool_use", id = "toolu_01", name = tool, input = new { city = "Oslo" } } };
            await context.Response.WriteAsJsonAsync(new
            {
                id = "msg_fake", type = "message", role = "assistant", model, content,
                stop_reason = tool is null ? "end_turn" : "tool_use", stop_sequence = (string?)null,
                usage = Reports is { } reports ? Whole(reports, reports.Output) : new { input_tokens = 21, cache_read_input_tokens = 4, output_tokens = 9 },
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        async Task Send(string type, object data)
        {
            await context.Response.WriteAsync($"event: {type}\ndata: {JsonSerializer.Serialize(data)}\n\n");
            await context.Response.Body.FlushAsync();
        }

        object started = Reports is { } cached ? Whole(cached, 1) : new { input_tokens = 21, output_tokens = 1 };
        await Send("message_start", new { type = "message_start", message = new { id = "msg_stream", type = "message", role = "assistant", model, content = Array.Empty<object>(), usage = started } });
        await Send("content_block_start", new { type = "content_block_start", index = 0, content_block = new { type = "text", text = "" } });
        await Send("ping", new { type = "ping" });
        foreach (var piece in new[] { "Hello", " from", " Claude" })
            await Send("content_block_delta", new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = piece } });
        await Send("content_block_stop", new { type = "content_block_stop", index = 0 });
        object finished = Reports is { } r
            ? new { input_tokens = r.Input, cache_creation_input_tokens = r.CacheWrite5m + r.CacheWrite1h, cache_read_input_tokens = r.CacheRead, output_tokens = r.Output }
            : new { output_tokens = 3 };
        await Send("message_delta", new { type = "message_delta", delta = new { stop_reason = "end_turn", stop_sequence = (string?)null }, usage = finished });
        await Send("message_stop", new { type = "message_stop" });
    }

    private static object Whole(Usage usage, int output) => new
    {
        input_tokens = usage.Input,
        cache_creation_input_tokens = usage.CacheWrite5m + usage.CacheWrite1h,
        cache_read_input_tokens = usage.CacheRead,
        cache_creation = new { ephemeral_5m_input_tokens = usage.CacheWrite5m, ephemeral_1h_input_tokens = usage.CacheWrite1h },
        output_tokens = output,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

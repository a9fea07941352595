using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Fakes;

/// <summary>
/// An upstream that hangs: on 127.0.0.1 it speaks OpenAI's chat completions, Anthropic's messages and
/// Gemini's streamGenerateContent, sends the beginning of a stream ("Hel", "lo") and then nothing more,
/// holding the connection open until the gateway gives up on it. A whole (non-streamed) OpenAI answer
/// stalls halfway through its body the first time and comes whole after that.
/// </summary>
internal sealed class StallingUpstream : IAsyncDisposable
{
    private WebApplication _app = null!;
    private int _requests;
    private int _wholeAnswers;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Set once the fake has sent what it will send and holds the connection.</summary>
    public TaskCompletionSource Stalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when the gateway hung up on the stalled request, cancelling the upstream call.</summary>
    public TaskCompletionSource Abandoned { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<StallingUpstream> StartAsync()
    {
        var fake = new StallingUpstream();
        (fake._app, var address) = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/v1/chat/completions", fake.OpenAIAsync);
            app.MapPost("/v1/messages", fake.AnthropicAsync);
            app.MapPost("/v1beta/models/{**call}", fake.GeminiAsync);
        });
        fake.BaseUrl = new Uri(address + "/");
        return fake;
    }

    private async Task OpenAIAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        if (!body.RootElement.TryGetProperty("stream", out var stream) || stream.ValueKind != JsonValueKind.True)
        {
            await WholeAnswerAsync(context);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await SendAsync(context, null, new { id = "chatcmpl-stall", @object = "chat.completion.chunk", created = 1, model = "gpt-4o-mini", choices = new[] { new { index = 0, delta = new { role = "assistant", content = "" } } } });
        foreach (var piece in (string[])["Hel", "lo"])
            await SendAsync(context, null, new { id = "chatcmpl-stall", @object = "chat.completion.chunk", created = 1, model = "gpt-4o-mini", choices = new[] { new { index = 0, delta = new { content = piece } } } });
        await StallAsync(context);
    }

    private async Task AnthropicAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        context.Response.ContentType = "text/event-stream";
        await SendAsync(context, "message_start", new { type = "message_start", message = new { id = "msg_stall", type = "message", role = "assistant", model = "claude-sonnet-4-5", content = Array.Empty<object>(), usage = new { input_tokens = 21, output_tokens = 1 } } });
        await SendAsync(context, "content_block_start", new { type = "content_block_start", index = 0, content_block = new { type = "text", text = "" } });
        foreach (var piece in (string[])["Hel", "lo"])
            await SendAsync(context, "content_block_delta", new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = piece } });
        await StallAsync(context);
    }

    private async Task GeminiAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        context.Response.ContentType = "text/event-stream";
        foreach (var piece in (string[])["Hel", "lo"])
        {
            await SendAsync(context, null, new
            {
                candidates = new[] { new { content = new { role = "model", parts = new[] { new { text = piece } } } } },
                usageMetadata = new { promptTokenCount = 11, candidatesTokenCount = 1 },
                modelVersion = "gemini-2.5-flash",
            });
        }

        await StallAsync(context);
    }

    private async Task WholeAnswerAsync(HttpContext context)
    {
        const string Answer = """{"id":"chatcmpl-whole","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""";
        context.Response.ContentType = "application/json";
        if (Interlocked.Increment(ref _wholeAnswers) > 1)
        {
            await context.Response.WriteAsync(Answer);
            return;
        }

        await context.Response.WriteAsync(Answer[..(Answer.Length / 2)]);
        await context.Response.Body.FlushAsync();
        await StallAsync(context);
    }

    private static async Task SendAsync(HttpContext context, string? eventName, object data)
    {
        await context.Response.WriteAsync($"{(eventName is null ? "" : $"event: {eventName}\n")}data: {JsonSerializer.Serialize(data)}\n\n");
        await context.Response.Body.FlushAsync();
    }

    /// <summary>Sends nothing more until the gateway hangs up.</summary>
    private async Task StallAsync(HttpContext context)
    {
        Stalled.TrySetResult();
        await HangUp.ByClientAsync(context);
        Abandoned.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

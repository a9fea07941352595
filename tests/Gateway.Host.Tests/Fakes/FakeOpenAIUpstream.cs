using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Fakes;

/// <summary>
/// An OpenAI-compatible upstream on 127.0.0.1: a real Kestrel server speaking the chat completions
/// wire format, and the Responses API (<c>FakeOpenAIUpstream.Responses.cs</c>). Each upstream key can be scripted (429, 401, 500, context length, held or cut streams);
/// everything received is recorded, and the exact bytes of every stream it sent are kept.
/// </summary>
internal sealed partial class FakeOpenAIUpstream : IAsyncDisposable
{
    /// <param name="Path">The path it was posted to: chat completions unless said.</param>
    internal sealed record Received(string Key, JsonObject Body, string Path = "/v1/chat/completions");

    /// <summary>Usage as OpenAI counts it: the prompt's tokens, of which <paramref name="Cached"/> were read from the cache.</summary>
    internal sealed record Usage(int Prompt, int Completion, int Cached);

    /// <summary>How the fake answers one request.</summary>
    internal abstract record Reply
    {
        public static Reply Ok(string text = "Hello from the fake upstream") => new OkReply(text);

        /// <summary>Answers as DeepSeek and vLLM do: the reasoning in reasoning_content (one delta of its own when streamed), then the text.</summary>
        public static Reply Reasoning(string reasoning, string text = "Hello from the fake upstream") => new OkReply(text, reasoning);

        public static Reply Status(int status, string body, string? retryAfter = null) => new StatusReply(status, body, retryAfter);

        public static Reply RateLimited(int retryAfterSeconds) =>
            new StatusReply(429, """{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}""", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>Streams <paramref name="chunks"/> words (word0, word1, ...), then holds the stream open, sending nothing more, until the gateway hangs up.</summary>
        public static Reply HeldStream(int chunks) => new HeldStreamReply(chunks);

        /// <summary>
        /// Streams <paramref name="chunksBeforeCut"/> words, then resets the connection once <paramref name="cut"/> completes: a
        /// reset discards what the reader has not read yet, so the test says when what was sent has arrived.
        /// </summary>
        public static Reply CutStream(int chunksBeforeCut, Task cut) => new CutStreamReply(chunksBeforeCut, cut);

        /// <summary>Calls the tool (id call_fake) with these arguments, in one answer or as a stream that splits them in two.</summary>
        public static Reply ToolCall(string name, string argumentsJson) => new ToolCallReply(name, argumentsJson);
    }

    private sealed record ToolCallReply(string Name, string ArgumentsJson) : Reply;

    private sealed record OkReply(string Text, string? ReasoningText = null) : Reply;

    private sealed record StatusReply(int Code, string Body, string? RetryAfter) : Reply;

    private sealed record HeldStreamReply(int Chunks) : Reply;

    private sealed record CutStreamReply(int ChunksBeforeCut, Task Cut) : Reply;

    private WebApplication _app = null!;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<Reply>> _scripts = new();


    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Every <c>traceparent</c> header a request came with (none is what the gateway should send).</summary>
    public ConcurrentQueue<string> TraceParents { get; } = new();

    /// <summary>The exact bytes of each streamed response, in order.</summary>
    public ConcurrentQueue<byte[]> StreamedBytes { get; } = new();

    /// <summary>Set when a client (the gateway) hung up on a stream before it finished.</summary>
    public TaskCompletionSource StreamAbandoned { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IEnumerable<string> KeysUsed => Requests.Select(r => r.Key);

    /// <summary>When set, every text answer reports this usage, in the whole answer and in a stream's usage chunk alike.</summary>
    public Usage? Reports { get; set; }

    /// <summary>What GET /v1/models lists for each key; a key not here is refused with 401.</summary>
    public ConcurrentDictionary<string, string[]> ModelsByKey { get; } = new();

    public void Script(string key, params Reply[] replies)
    {
        var queue = _scripts.GetOrAdd(key, _ => new ConcurrentQueue<Reply>());
        foreach (var reply in replies)
            queue.Enqueue(reply);
    }

    /// <summary>The replies of the calls to come, in order, for a provider that takes <paramref name="keys"/> round robin.</summary>
    public void ScriptInTurn(IReadOnlyList<string> keys, params Reply[] replies)
    {
        for (var i = 0; i < replies.Length; i++)
            Script(keys[i % keys.Count], replies[i]);
    }

    public static async Task<FakeOpenAIUpstream> StartAsync()
    {
        var fake = new FakeOpenAIUpstream();
        (fake._app, var address) = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/v1/chat/completions", fake.HandleAsync);
            app.MapPost("/v1/embeddings", fake.EmbeddingsAsync);
            app.MapPost("/v1/moderations", fake.ModerationsAsync);
            app.MapPost("/v1/responses", fake.ResponsesAsync);
            app.MapGet("/v1/models", fake.ModelsAsync);
        });
        fake.BaseUrl = new Uri(address + "/v1");
        return fake;
    }

    /// <summary>The next reply scripted for the key the last request came with; a plain answer when none is.</summary>
    private Reply NextReply() =>
        _scripts.TryGetValue(Requests.Last().Key, out var queue) && queue.TryDequeue(out var next) ? next : Reply.Ok();

    private static async Task WriteStatusAsync(HttpContext context, StatusReply status)
    {
        context.Response.StatusCode = status.Code;
        if (status.RetryAfter is not null)
            context.Response.Headers.RetryAfter = status.RetryAfter;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(status.Body);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await ReceiveAsync(context);
        var reply = NextReply();
        var model = (string?)body["model"] ?? "unknown";
        var stream = body["stream"]?.GetValueKind() == JsonValueKind.True;
        var includeUsage = body["stream_options"]?["include_usage"]?.GetValueKind() == JsonValueKind.True;

        switch (reply)
        {
            case StatusReply status:
                await WriteStatusAsync(context, status);
                return;
            case ToolCallReply call when !stream:
                await context.Response.WriteAsJsonAsync(new
                {
                    id = "chatcmpl-fake", @object = "chat.completion", created = 1_763_800_000, model,
                    choices = new[]
                    {
                        new
                        {
                            index = 0, finish_reason = "tool_calls",
                            message = new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = "call_fake", type = "function", function = new { name = call.Name, arguments = call.ArgumentsJson } } } },
                        },
                    },
                    usage = new { prompt_tokens = 30, completion_tokens = 9, total_tokens = 39 },
                });
                return;
            case ToolCallReply call:
                await StreamToolCallAsync(context, model, call, includeUsage);
                return;
            case OkReply ok when !stream:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(JsonSerializer.Serialize(new
                {
                    id = "chatcmpl-fake",
                    @object = "chat.completion",
                    created = 1_763_800_000,
                    model,
                    choices = new[] { new { index = 0, message = ok.ReasoningText is null ? (object)new { role = "assistant", content = ok.Text } : new { role = "assistant", content = ok.Text, reasoning_content = ok.ReasoningText }, finish_reason = "stop" } },
                    usage = UsageOf(Reports ?? new Usage(12, 7, 3)),
                    system_fingerprint = "fp_fake",
                }));
                return;
            case OkReply ok:
                await StreamAsync(context, model, ok.Text.Split(' ').Select((w, i) => i == 0 ? w : " " + w).ToList(), includeUsage, ok.ReasoningText);
                return;
            case HeldStreamReply held:
                await StreamAsync(context, model, Words(held.Chunks), includeUsage, end: () => HoldAsync(context));
                return;
            case CutStreamReply cut:
                await StreamAsync(context, model, Words(cut.ChunksBeforeCut), includeUsage, end: () => CutAsync(context, cut.Cut));
                return;
        }
    }

    private async Task EmbeddingsAsync(HttpContext context)
    {
        var body = await ReceiveAsync(context);
        var inputs = body["input"] is JsonArray array ? array.Count : 1;
        await context.Response.WriteAsJsonAsync(new
        {
            @object = "list",
            data = Enumerable.Range(0, inputs).Select(i => new { @object = "embedding", index = i, embedding = new[] { 0.125f, -0.25f, 0.5f } }),
            model = (string?)body["model"],
            usage = new { prompt_tokens = 4 * inputs, total_tokens = 4 * inputs },
        });
    }

    private async Task ModelsAsync(HttpContext context)
    {
        var key = context.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
        if (!ModelsByKey.TryGetValue(key, out var models))
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("""{"error":{"message":"Incorrect API key provided"}}""");
            return;
        }

        await context.Response.WriteAsJsonAsync(new { @object = "list", data = models.Select(m => new { id = m, @object = "model", owned_by = "fake" }) });
    }

    private async Task ModerationsAsync(HttpContext context)
    {
        var body = await ReceiveAsync(context);
        await context.Response.WriteAsJsonAsync(new
        {
            id = "modr-fake",
            model = (string?)body["model"],
            results = new[] { new { flagged = true, categories = new { violence = true }, category_scores = new { violence = 0.91 } } },
        });
    }

    private async Task<JsonObject> ReceiveAsync(HttpContext context)
    {
        var key = context.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
        var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
        if (context.Request.Headers.TryGetValue("traceparent", out var traceParent))
            TraceParents.Enqueue(traceParent.ToString());
        Requests.Enqueue(new Received(key, body, context.Request.Path));
        return body;
    }

    private static List<string> Words(int count) => [.. Enumerable.Range(0, count).Select(i => $"word{i} ")];

    private async Task HoldAsync(HttpContext context)
    {
        await HangUp.ByClientAsync(context);
        StreamAbandoned.TrySetResult();
    }

    private static async Task CutAsync(HttpContext context, Task cut)
    {
        await cut;
        context.Abort();
    }

    /// <param name="end">When given, ends the stream after the pieces in place of its proper end (a hold, a cut).</param>
    private async Task StreamAsync(HttpContext context, string model, List<string> pieces, bool includeUsage, string? reasoning = null, Func<Task>? end = null)
    {
        context.Response.ContentType = "text/event-stream";
        var sent = new MemoryStream();
        async Task SendAsync(string data)
        {
            var bytes = Encoding.UTF8.GetBytes($"data: {data}\n\n");
            sent.Write(bytes);
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        try
        {
            await SendAsync(Chunk(model, new { role = "assistant", content = "" }, null));
            if (reasoning is not null)
                await SendAsync(Chunk(model, new { reasoning_content = reasoning }, null));
            foreach (var piece in pieces)
                await SendAsync(Chunk(model, new { content = piece }, null));
            if (end is not null)
            {
                await end();
                return;
            }

            await SendAsync(Chunk(model, new { }, "stop"));
            if (includeUsage)
            {
                object usage = Reports is { } reports ? UsageOf(reports) : new { prompt_tokens = 12, completion_tokens = pieces.Count, total_tokens = 12 + pieces.Count };
                await SendAsync(JsonSerializer.Serialize(new { id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 1_763_800_000, model, choices = Array.Empty<object>(), usage }));
            }

            await SendAsync("[DONE]");
            StreamedBytes.Enqueue(sent.ToArray());
        }
        catch (OperationCanceledException)
        {
            StreamAbandoned.TrySetResult();
        }
    }

    private static async Task StreamToolCallAsync(HttpContext context, string model, ToolCallReply call, bool includeUsage)
    {
        context.Response.ContentType = "text/event-stream";
        var half = call.ArgumentsJson.Length / 2;
        string[] chunks =
        [
            Chunk(model, new { role = "assistant", content = (string?)null, tool_calls = new[] { new { index = 0, id = "call_fake", type = "function", function = new { name = call.Name, arguments = "" } } } }, null),
            Chunk(model, new { tool_calls = new[] { new { index = 0, function = new { arguments = call.ArgumentsJson[..half] } } } }, null),
            Chunk(model, new { tool_calls = new[] { new { index = 0, function = new { arguments = call.ArgumentsJson[half..] } } } }, null),
            Chunk(model, new { }, "tool_calls"),
        ];
        foreach (var chunk in includeUsage
            ? [.. chunks, JsonSerializer.Serialize(new { id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 1_763_800_000, model, choices = Array.Empty<object>(), usage = new { prompt_tokens = 30, completion_tokens = 9, total_tokens = 39 } }), "[DONE]"]
            : chunks.Append("[DONE]"))
        {
            await context.Response.WriteAsync($"data: {chunk}\n\n");
            await context.Response.Body.FlushAsync();
        }
    }

    private static object UsageOf(Usage usage) => new
    {
        prompt_tokens = usage.Prompt, completion_tokens = usage.Completion, total_tokens = usage.Prompt + usage.Completion,
        prompt_tokens_details = new { cached_tokens = usage.Cached },
    };

    private static string Chunk(string model, object delta, string? finish) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-fake",
        @object = "chat.completion.chunk",
        created = 1_763_800_000,
        model,
        choices = new[] { new { index = 0, delta, finish_reason = finish } },
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

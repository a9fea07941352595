using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Fakes;

/// <summary>
/// Gemini's generateContent REST surface on 127.0.0.1 (<c>/v1beta/models/{model}:generateContent</c> and
/// <c>:streamGenerateContent?alt=sse</c>), scriptable per key with Google's 429 bodies. Models named gemini-3...
/// are as strict about thought signatures as Gemini 3 is (FakeGeminiUpstream.Gemini3.cs).
/// </summary>
internal sealed partial class FakeGeminiUpstream : IAsyncDisposable
{
    internal sealed record Received(string Key, string Model, bool Stream, JsonObject Body);

    /// <summary>Usage as Gemini counts it: the prompt's tokens, of which <paramref name="Cached"/> came from a context cache.</summary>
    internal sealed record Usage(int Prompt, int Candidates, int Cached);

    private WebApplication _app = null!;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string Body)>> _refusals = new();

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>When set, the next answers call this function with {"city":"Oslo"} instead of answering in text.</summary>
    public string? CallTool { get; set; }

    /// <summary>
    /// When set, every text answer reports this usage: a whole answer in its usageMetadata, a stream in every chunk's
    /// (the prompt and cache counts from the first, the candidates in the last, as Gemini's running totals go).
    /// </summary>
    public Usage? Reports { get; set; }

    public static string QuotaExhausted(string quotaId) => $$$"""
        {"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details.","status":"RESOURCE_EXHAUSTED","details":[
          {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"{{{quotaId}}}","quotaDimensions":{"location":"global","model":"gemini-2.5-flash"},"quotaValue":"250"}]},
          {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"21s"}]}}
        """;

    public void Refuse(string key, int status, string body) =>
        _refusals.GetOrAdd(key, _ => new ConcurrentQueue<(int, string)>()).Enqueue((status, body));

    public static async Task<FakeGeminiUpstream> StartAsync()
    {
        var fake = new FakeGeminiUpstream();
        (fake._app, var address) = await LoopbackServer.StartAsync(app => app.MapPost("/v1beta/models/{**call}", fake.HandleAsync));
        fake.BaseUrl = new Uri(address + "/");
        return fake;
    }

    private async Task HandleAsync(string call, HttpContext context)
    {
        var key = context.Request.Headers["x-goog-api-key"].ToString();
        var (model, action) = (call[..call.IndexOf(':', StringComparison.Ordinal)], call[(call.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
        var stream = action == "streamGenerateContent";
        Requests.Enqueue(new Received(key, model, stream, body));
        if (_refusals.TryGetValue(key, out var queue) && queue.TryDequeue(out var refusal))
        {
            context.Response.StatusCode = refusal.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(refusal.Body);
            return;
        }

        if (action == "batchEmbedContents")
        {
            var count = body["requests"]!.AsArray().Count;
            await context.Response.WriteAsJsonAsync(new { embeddings = Enumerable.Range(0, count).Select(i => new { values = new[] { 0.25f * (i + 1), -0.5f } }) });
            return;
        }

        if (action == "embedContent")
        {
            await context.Response.WriteAsJsonAsync(new { embedding = new { values = new[] { 0.75f, -1f } } });
            return;
        }

        if (action == "countTokens")
        {
            await context.Response.WriteAsJsonAsync(new { totalTokens = 13 });
            return;
        }

        if (_script.TryDequeue(out var scripted))
        {
            await AnswerAsync(context, model, stream, scripted);
            return;
        }

        if (model.StartsWith("gemini-3", StringComparison.Ordinal))
        {
            await Gemini3Async(context, model, body, stream);
            return;
        }

        if (CallTool is { } tool && !stream)
        {
            await context.Response.WriteAsJsonAsync(new
            {
                candidates = new[] { new { content = new { role = "model", parts = new[] { new { functionCall = new { name = tool, args = new { city = "Oslo" } } } } }, finishReason = "STOP" } },
                usageMetadata = new { promptTokenCount = 20, candidatesTokenCount = 5, totalTokenCount = 25 },
                modelVersion = model,
                responseId = "resp-tool",
            });
            return;
        }

        // As Gemini does, thought summaries come back only when includeThoughts asks for them, ahead of the answer.
        var thoughts = body["generationConfig"]?["thinkingConfig"]?["includeThoughts"]?.GetValueKind() == JsonValueKind.True;
        if (!stream)
        {
            await context.Response.WriteAsJsonAsync(new
            {
                candidates = new[] { new { content = new { role = "model", parts = Parts(thoughts, "Hello from Gemini") }, finishReason = "STOP" } },
                usageMetadata = Reports is { } reports ? Metadata(reports, reports.Candidates) : new { promptTokenCount = 11, candidatesTokenCount = 4, totalTokenCount = 15 },
                modelVersion = model,
                responseId = "resp-fake",
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        string[] pieces = ["Hello", " from", " Gemini"];
        for (var i = 0; i < pieces.Length; i++)
        {
            var last = i == pieces.Length - 1;
            var chunk = JsonSerializer.Serialize(new
            {
                candidates = new[] { new { content = new { role = "model", parts = Parts(thoughts && i == 0, pieces[i]) }, finishReason = last ? "STOP" : null } },
                usageMetadata = Reports is { } cached ? Metadata(cached, last ? cached.Candidates : 0) : new { promptTokenCount = 11, candidatesTokenCount = last ? 4 : 0 },
                modelVersion = model,
                responseId = "resp-stream",
            });
            await context.Response.WriteAsync($"data: {chunk}\r\n\r\n");
            await context.Response.Body.FlushAsync();
        }
    }

    private static object Metadata(Usage usage, int candidates) => new
    {
        promptTokenCount = usage.Prompt, candidatesTokenCount = candidates, cachedContentTokenCount = usage.Cached, totalTokenCount = usage.Prompt + candidates,
    };

    /// <summary>The thought summary every thinking answer of the fake carries.</summary>
    public const string Thought = "Thinking it over.";

    private static JsonArray Parts(bool thought, string text) =>
        thought ? [new JsonObject { ["text"] = Thought, ["thought"] = true }, new JsonObject { ["text"] = text }] : [new JsonObject { ["text"] = text }];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

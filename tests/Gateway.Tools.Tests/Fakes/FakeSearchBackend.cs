using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tools.Tests.Fakes;

/// <summary>One result as a test scripts it; each wire format renders it in its own fields.</summary>
internal sealed record FakeResult(string Title, string Url, string Snippet, string? Date = null);

/// <summary>
/// A search backend on 127.0.0.1 speaking all three wire formats the tool knows: SearXNG
/// (<c>GET /search?format=json</c>), Brave (<c>GET /res/v1/web/search</c>, <c>count</c> honoured) and
/// Tavily (<c>POST /search</c>, <c>max_results</c> honoured). It answers <see cref="Answers"/>, or
/// <see cref="FailWith"/>'s status, and keeps every request.
/// </summary>
internal sealed class FakeSearchBackend : IAsyncDisposable
{
    /// <summary>A request as it came, copied out of Kestrel's pooled objects.</summary>
    internal sealed record Request(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, JsonObject? Body);

    private WebApplication _app = null!;

    public string Address { get; private set; } = "";

    public int Port => new Uri(Address).Port;

    public List<FakeResult> Answers { get; set; } = [];

    /// <summary>When set, every request is answered with this status and a short error body.</summary>
    public int? FailWith { get; set; }

    /// <summary>When set, answers 200 with this body as it is (not JSON, say).</summary>
    public string? RawBody { get; set; }

    /// <summary>When set, a request is never answered: it waits until the caller hangs up.</summary>
    public bool Hang { get; set; }

    /// <summary>Completes when a request has arrived (under <see cref="Hang"/>, the test then moves the clock).</summary>
    public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<Request> Requests { get; } = new();

    public static async Task<FakeSearchBackend> StartAsync()
    {
        var backend = new FakeSearchBackend();
        var (app, address) = await LoopbackServer.StartAsync(app =>
        {
            // Cast to Delegate: a lambda of HttpContext alone would bind as a RequestDelegate and drop the IResult.
            app.MapGet("/search", (Delegate)((HttpContext context) => backend.AnswerAsync(context, null, r => Searxng(context.Request.Query["q"]!, r))));
            app.MapGet("/res/v1/web/search", (Delegate)((HttpContext context) =>
                backend.AnswerAsync(context, null, r => Brave(context.Request.Query["q"]!, [.. r.Take(int.Parse(context.Request.Query["count"]!, System.Globalization.CultureInfo.InvariantCulture))]))));
            app.MapPost("/search", async (HttpContext context) =>
            {
                var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
                return await backend.AnswerAsync(context, body, r => Tavily((string)body["query"]!, [.. r.Take((int)body["max_results"]!)]));
            });
        });
        backend._app = app;
        backend.Address = address;
        return backend;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> AnswerAsync(HttpContext context, JsonObject? body, Func<List<FakeResult>, JsonObject> render)
    {
        Requests.Enqueue(new Request(
            context.Request.Method,
            context.Request.Path,
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body));
        Asked.TrySetResult();
        if (Hang)
        {
            var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (context.RequestAborted.Register(() => gone.TrySetResult()))
                await gone.Task;
            return Results.Empty;
        }

        if (FailWith is { } status)
            return Results.Text("""{"error":"scripted failure"}""", "application/json", statusCode: status);
        return RawBody is { } raw ? Results.Text(raw, "text/html") : Results.Text(render(Answers).ToJsonString(), "application/json");
    }

    private static JsonObject Searxng(string query, List<FakeResult> results) => new()
    {
        ["query"] = query,
        ["number_of_results"] = results.Count,
        ["results"] = new JsonArray([.. results.Select(r => new JsonObject
        {
            ["url"] = r.Url,
            ["title"] = r.Title,
            ["content"] = r.Snippet,
            ["engine"] = "fake",
            ["engines"] = new JsonArray("fake"),
            ["score"] = 1.0,
            ["category"] = "general",
            ["publishedDate"] = r.Date,
        })]),
        ["answers"] = new JsonArray(),
        ["suggestions"] = new JsonArray(),
        ["unresponsive_engines"] = new JsonArray(),
    };

    // Brave marks the query's words in descriptions with <strong>; the fake marks the first word.
    private static JsonObject Brave(string query, List<FakeResult> results) => new()
    {
        ["type"] = "search",
        ["query"] = new JsonObject { ["original"] = query, ["more_results_available"] = false },
        ["web"] = new JsonObject
        {
            ["type"] = "search",
            ["results"] = new JsonArray([.. results.Select(r => new JsonObject
            {
                ["type"] = "search_result",
                ["title"] = r.Title,
                ["url"] = r.Url,
                ["description"] = Marked(r.Snippet),
                ["page_age"] = r.Date,
                ["meta_url"] = new JsonObject { ["hostname"] = new Uri(r.Url).Host },
            })]),
        },
    };

    private static JsonObject Tavily(string query, List<FakeResult> results) => new()
    {
        ["query"] = query,
        ["answer"] = null,
        ["images"] = new JsonArray(),
        ["results"] = new JsonArray([.. results.Select(r => new JsonObject
        {
            ["title"] = r.Title,
            ["url"] = r.Url,
            ["content"] = r.Snippet,
            ["score"] = 0.9,
            ["raw_content"] = null,
            ["published_date"] = r.Date,
        })]),
        ["response_time"] = "0.42",
    };

    private static string Marked(string snippet) =>
        snippet.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 ? $"<strong>{snippet[..space]}</strong>{snippet[space..]}" : snippet;
}

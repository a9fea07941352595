using System.Text.Json.Nodes;
using Gateway.Domain.Outbound;
using Gateway.Host.Tests.Fakes;
using Gateway.Tools.Outbound;
using Gateway.Tools.Tests.Fakes;
using Gateway.Tools.WebSearch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tools.Tests.WebSearch;

/// <summary>
/// A search backend, a web of pages and an internal service nobody may reach, all on 127.0.0.1, with a
/// scripted resolver: <c>search.test</c> and the page hosts (<c>news.example</c>, <c>docs.example</c>,
/// <c>blog.example</c>, <c>www.news.example</c>, <c>internal.example</c>) resolve to 127.0.0.1, and
/// <c>outbound.allow</c> names 127.0.0.1 on exactly the backend's and the web's ports, plus an
/// operator's internal range (<see cref="InternalRange"/>) on every port, so that a refusal of the
/// internal service's port on 127.0.0.1 is about the address, never the port. Nothing leaves the machine.
/// </summary>
internal sealed class SearchWorld : IAsyncDisposable
{
    public static readonly string[] PageHosts = ["news.example", "www.news.example", "docs.example", "blog.example", "internal.example"];

    /// <summary>A range the operator allowed; nothing in it is ever reached by these tests.</summary>
    public const string InternalRange = "10.0.0.0/8";

    private readonly List<OutboundClient> _clients = [];

    private SearchWorld(FakeSearchBackend backend, FakeWeb web, WebApplication secret, int secretPort)
    {
        Backend = backend;
        Web = web;
        Secret = secret;
        SecretPort = secretPort;
        Resolver.Answer("search.test", "127.0.0.1");
        foreach (var host in PageHosts)
            Resolver.Answer(host, "127.0.0.1");
    }

    public FakeSearchBackend Backend { get; }

    public FakeWeb Web { get; }

    public WebApplication Secret { get; }

    /// <summary>The internal service: reached, it would answer "secret" and count the request.</summary>
    public int SecretPort { get; }

    public int SecretHits;

    public FakeHostResolver Resolver { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    public static async Task<SearchWorld> StartAsync()
    {
        SearchWorld? world = null;
        var (secret, secretAddress) = await LoopbackServer.StartAsync(app => app.Map("/{**path}", () =>
        {
            Interlocked.Increment(ref world!.SecretHits);
            return Results.Text("secret");
        }));
        world = new SearchWorld(await FakeSearchBackend.StartAsync(), await FakeWeb.StartAsync(), secret, new Uri(secretAddress).Port);
        return world;
    }

    /// <summary>The operator's options: the SearXNG backend on search.test, unless changed.</summary>
    public WebSearchOptions Options(string backend = "searxng") => new()
    {
        Backend = backend,
        Url = $"http://search.test:{Backend.Port}",
        ApiKey = backend == "searxng" ? null : "key-for-" + backend,
    };

    public WebSearchTool Tool(WebSearchOptions? options = null)
    {
        var rules = new OutboundRules(OutboundAllowList.Parse([InternalRange, $"127.0.0.1:{Backend.Port}", $"127.0.0.1:{Web.Port}"]).List!);
        var client = new OutboundClient(new OutboundGuard(rules, Resolver), Time);
        _clients.Add(client);
        return new WebSearchTool(options ?? Options(), client, Time);
    }

    /// <summary>A page URL on the web, under one of <see cref="PageHosts"/>.</summary>
    public string Page(string host, string pathAndQuery) => $"http://{host}:{Web.Port}{pathAndQuery}";

    /// <summary>One search in a fresh session, as the loop runs it.</summary>
    public static async Task<ToolRun> SearchAsync(WebSearchTool tool, string query, JsonObject? requestOptions = null)
    {
        await using var session = tool.OpenSession(requestOptions);
        return await session.RunAsync(new JsonObject { ["query"] = query }, TestContext.Current.CancellationToken);
    }

    /// <summary>A search that must succeed: its structured result.</summary>
    public static async Task<WebSearchResult> ResultsAsync(WebSearchTool tool, string query, JsonObject? requestOptions = null)
    {
        var run = await SearchAsync(tool, query, requestOptions);
        Assert.True(run.Succeeded, run.Text);
        return Assert.IsType<WebSearchResult>(run.Result);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        await Backend.DisposeAsync();
        await Web.DisposeAsync();
        await Secret.DisposeAsync();
    }
}

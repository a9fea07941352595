using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Inference;
using Gateway.Host.Tests.Infrastructure;
using Gateway.Tools.Tests.Fakes;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// Search results that would lead the gateway's fetches to private addresses, inside a request's loop: a result at
/// 127.0.0.1 (where a listener waits and must see no connection), an allowed page that redirects to the cloud metadata
/// address, and a name that resolves to loopback. Each is refused before any connection and the refusal is stated in
/// the result the model reads, beside the page that could be read.
/// </summary>
public sealed class ToolLoopSsrfTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    private FakeSearchBackend _backend = null!;
    private FakeWeb _web = null!;
    private readonly TcpListener _loopback = new(IPAddress.Loopback, 0);

    private protected override async ValueTask BeforeServerAsync()
    {
        _backend = await FakeSearchBackend.StartAsync();
        _web = await FakeWeb.StartAsync();
        _loopback.Start();
    }

    private protected override IEnumerable<KeyValuePair<string, string?>> MoreConfig =>
    [
        new("outbound:allow:0", $"127.0.0.1:{_backend.Port}"), new("outbound:allow:1", $"127.0.0.1:{_web.Port}"),
        new("tools:web_search:enabled", "true"), new("tools:web_search:url", $"http://search.test:{_backend.Port}"),
    ];

    private int LoopbackPort => ((IPEndPoint)_loopback.LocalEndpoint).Port;

    [Fact]
    public async Task Results_leading_to_private_addresses_are_refused_one_by_one_stated_to_the_model_and_the_others_read()
    {
        Server.Resolver.Answer("search.test", "127.0.0.1");
        Server.Resolver.Answer("news.example", "127.0.0.1");
        Server.Resolver.Answer("intranet.example", "127.0.0.1");
        var redirect = $"/redirect?to={Uri.EscapeDataString("http://169.254.169.254/latest/meta-data/iam/")}";
        _backend.Answers =
        [
            new FakeResult("How a Tide Mill Works", $"http://news.example:{_web.Port}/pages/article.html", "A tide mill stores the sea."),
            new FakeResult("Internal dashboard", $"http://127.0.0.1:{LoopbackPort}/admin", "admin"),
            new FakeResult("Moved", $"http://news.example:{_web.Port}{redirect}", "moved"),
            new FakeResult("Intranet", "http://intranet.example/wiki", "wiki"),
        ];
        Upstream.ScriptInTurn(["up-1", "up-2", "up-3"], FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", """{"query":"tide mill"}"""), FakeOpenAIUpstream.Reply.Ok("A tide mill stores the sea in a pond [1]."));

        using var response = await Http.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"fake:gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":"Look it up"}],"tools":[{"type":"gateway_web_search","max_results":4}]}""",
            Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = ((string)Upstream.Requests.ToArray()[1].Body["messages"]![2]!["content"]!).Split("\n\n[");
        Assert.StartsWith("Web search for \"tide mill\": 4 results.", read[0]);
        Assert.Contains("twice a day the incoming tide fills a pond", read[1]);
        Assert.Contains("Page not read: 127.0.0.1 is a loopback address", read[2]);
        Assert.Contains("Page not read: redirect 1 to 169.254.169.254: 169.254.169.254 is ", read[3]);
        Assert.Contains("Page not read: intranet.example resolves to 127.0.0.1, a loopback address", read[4]);
        Assert.False(_loopback.Pending(), "something connected to the loopback listener");
        Assert.Equal(["/pages/article.html", redirect], _web.Hits.Select(h => h.Path).Order(StringComparer.Ordinal));
        Assert.Contains("intranet.example", Server.Resolver.Lookups);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _loopback.Dispose();
        await _backend.DisposeAsync();
        await _web.DisposeAsync();
    }
}

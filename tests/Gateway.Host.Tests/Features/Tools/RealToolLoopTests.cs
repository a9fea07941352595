using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Inference;
using Gateway.Host.Tests.Infrastructure;
using Gateway.Tools.Tests.Fakes;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// The real tools in a request's loop: web search against a fake SearXNG and fake pages on 127.0.0.1 (a result that
/// points at the cloud metadata address among them), and code execution in the real sandbox. The fake upstream calls
/// the tool, and the next call must carry what the tool really returned.
/// </summary>
public sealed class RealToolLoopTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    private FakeSearchBackend _backend = null!;
    private FakeWeb _web = null!;

    private protected override async ValueTask BeforeServerAsync()
    {
        _backend = await FakeSearchBackend.StartAsync();
        _web = await FakeWeb.StartAsync();
    }

    private protected override IEnumerable<KeyValuePair<string, string?>> MoreConfig =>
    [
        new("outbound:allow:0", $"127.0.0.1:{_backend.Port}"), new("outbound:allow:1", $"127.0.0.1:{_web.Port}"),
        new("tools:web_search:enabled", "true"), new("tools:web_search:url", $"http://search.test:{_backend.Port}"),
        new("tools:code_execution:enabled", "true"), new("tools:code_execution:timeout_seconds", "20"),
        // Apart from the sandbox tests' uids (71000 and up), which may run at the same time.
        new("tools:code_execution:first_uid", "72000"), new("tools:code_execution:max_sessions", "2"),
    ];

    [Fact]
    public async Task A_search_in_a_loop_reads_the_pages_it_may_and_refuses_one_at_the_metadata_address()
    {
        Server.Resolver.Answer("search.test", "127.0.0.1");
        Server.Resolver.Answer("news.example", "127.0.0.1");
        _backend.Answers =
        [
            new FakeResult("How a Tide Mill Works", $"http://news.example:{_web.Port}/pages/article.html", "A tide mill stores the sea."),
            new FakeResult("Credentials", "http://169.254.169.254/latest/meta-data/", "metadata"),
        ];
        Upstream.ScriptInTurn(["up-1", "up-2", "up-3"], FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", """{"query":"tide mill"}"""), FakeOpenAIUpstream.Reply.Ok("A tide mill stores the sea in a pond [1]."));

        using var response = await PostAsync("""{"type":"gateway_web_search","max_results":2}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("tide mill", Assert.Single(_backend.Requests).Query["q"]);
        var result = (string)Upstream.Requests.ToArray()[1].Body["messages"]![2]!["content"]!;
        Assert.Contains("How a Tide Mill Works", result);
        Assert.Contains("pond", result);
        Assert.Contains("169.254.169.254 is ", result);
        Assert.DoesNotContain(_web.Hits, h => h.Host == "169.254.169.254");
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("A tide mill stores the sea in a pond [1].", (string?)answer["choices"]![0]!["message"]!["content"]);
    }

    [Fact]
    public async Task Code_the_model_writes_runs_in_the_sandbox_and_its_output_reaches_the_next_call()
    {
        Upstream.ScriptInTurn(["up-1", "up-2", "up-3"], 
            FakeOpenAIUpstream.Reply.ToolCall("gateway_code_execution", """{"code":"x = 6 * 7\nprint(x)"}"""),
            FakeOpenAIUpstream.Reply.ToolCall("gateway_code_execution", """{"code":"import socket\ntry:\n    socket.create_connection(('1.1.1.1', 80), 2)\n    print('reached')\nexcept OSError as e:\n    print('no network', x)"}"""),
            FakeOpenAIUpstream.Reply.Ok("It is 42."));

        using var response = await PostAsync("""{"type":"gateway_code_execution"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requests = Upstream.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.Contains("42", (string)requests[1].Body["messages"]![2]!["content"]!);
        // The second call ran in the same interpreter (x survived), without network.
        var second = (string)requests[2].Body["messages"]![4]!["content"]!;
        Assert.Contains("no network 42", second);
        Assert.DoesNotContain("reached", second);
        await Server.FlushUsageAsync();
        Assert.Equal(2L, await Db.ScalarAsync<long>("select count(*) from usage_records where endpoint = 'tool' and model = 'gateway_code_execution' and status = 200"));
    }


    private Task<HttpResponseMessage> PostAsync(string tool) =>
        Http.PostAsync("/v1/chat/completions", new StringContent(
            $$"""{"model":"fake:gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":"Look it up"}],"tools":[{{tool}}]}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
}

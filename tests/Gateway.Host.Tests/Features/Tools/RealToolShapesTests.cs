using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Inference;
using Gateway.Host.Tests.Features.Inference.Anthropic;
using Gateway.Host.Tests.Features.Inference.Gemini;
using Gateway.Host.Tests.Infrastructure;
using Gateway.Tools.Tests.Fakes;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// The real tools inside streamed loops, shown in each client's native shapes: code the model writes runs in the real
/// sandbox (Anthropic code_execution_tool_result, Gemini executableCode and codeExecutionResult), and the web search
/// asks a fake SearXNG and reads a fake page on 127.0.0.1 (Anthropic web_search_tool_result, Gemini groundingMetadata,
/// OpenAI url_citation); the official @google/genai client reads both. Each upstream is the client's own wire.
/// </summary>
public sealed class RealToolShapesTests(PostgresFixture postgres) : EveryDialectTestBase(postgres)
{
    /// <summary>The article's title as the backend lists it, which is the one the clients are shown.</summary>
    private const string Article = "How a Tide Mill Works";
    private const string SixTimesSeven = """{"code":"print(6 * 7)"}""";
    private const string TideMill = """{"query":"tide mill"}""";
    private FakeSearchBackend _backend = null!;
    private FakeWeb _web = null!;

    private string ArticleUrl => $"http://news.example:{_web.Port}/pages/article.html";

    private protected override async ValueTask BeforeServerAsync()
    {
        _backend = await FakeSearchBackend.StartAsync();
        _web = await FakeWeb.StartAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _backend.DisposeAsync();
        await _web.DisposeAsync();
    }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["outbound:allow:0"] = $"127.0.0.1:{_backend.Port}", ["outbound:allow:1"] = $"127.0.0.1:{_web.Port}",
        ["tools:web_search:enabled"] = "true", ["tools:web_search:url"] = $"http://search.test:{_backend.Port}",
        ["tools:code_execution:enabled"] = "true", ["tools:code_execution:timeout_seconds"] = "20",
        // Apart from the sandbox tests' uids (71000 and up) and RealToolLoopTests' (72000), which may run at the same time.
        ["tools:code_execution:first_uid"] = "73000", ["tools:code_execution:max_sessions"] = "2",
    };

    [Fact]
    public async Task Code_run_in_the_sandbox_reaches_an_anthropic_stream_as_a_code_execution_tool_result()
    {
        ClaudeUpstream.Script(FakeAnthropicUpstream.Reply.ToolUse("gateway_code_execution", SixTimesSeven), FakeAnthropicUpstream.Reply.Text("It is 42."));

        using var response = await WireJson.PostAsync(AnthropicClient, "/v1/messages", $$"""
            {"model":"{{ClaudeModel}}","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"What is 6 times 7?"}],
             "tools":[{"type":"gateway_code_execution","name":"code_execution"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await AnthropicWire.EventsAsync(response);
        Assert.DoesNotContain(events, e => e.Event == "error");
        var blocks = AnthropicWire.Blocks(events);
        Assert.Equal(["text", "server_tool_use", "code_execution_tool_result", "text"], blocks.Select(b => (string?)b!["type"]));
        Assert.Equal(("code_execution", "print(6 * 7)"), ((string?)blocks[1]!["name"], (string?)blocks[1]!["input"]!["code"]));
        Assert.Equal((string?)blocks[1]!["id"], (string?)blocks[2]!["tool_use_id"]);
        var run = blocks[2]!["content"]!;
        Assert.Equal(("code_execution_result", "42\n", "", 0), ((string?)run["type"], (string?)run["stdout"], (string?)run["stderr"], (int)run["return_code"]!));
        Assert.Equal("It is 42.", (string?)blocks[3]!["text"]);
        var result = Assert.Single(ClaudeUpstream.Requests.Last().Body["messages"]![2]!["content"]!.AsArray())!;
        Assert.Equal((FakeAnthropicUpstream.ToolUseId, true), ((string?)result["tool_use_id"], result["content"]!.ToJsonString().Contains("42", StringComparison.Ordinal)));
        await Server.FlushUsageAsync();
        Assert.Equal(1L, await Db.ScalarAsync<long>("select count(*) from usage_records where provider = 'gateway' and model = 'gateway_code_execution' and endpoint = 'tool' and status = 200"));
    }

    [Fact]
    public async Task Code_run_in_the_sandbox_reaches_a_gemini_stream_as_executable_code_and_its_result_a_failing_run_as_failed()
    {
        GeminiUpstream.Script(
            FakeGeminiUpstream.Reply.FunctionCall("gateway_code_execution", SixTimesSeven),
            FakeGeminiUpstream.Reply.FunctionCall("gateway_code_execution", """{"code":"import sys\nprint('no such table', file=sys.stderr)\nsys.exit(3)"}"""),
            FakeGeminiUpstream.Reply.Text("It is 42."));

        using var response = await WireJson.PostAsync(GeminiClient, $"/v1beta/models/{GeminiModel}:streamGenerateContent?alt=sse",
            """{"contents":[{"role":"user","parts":[{"text":"What is 6 times 7?"}]}],"tools":[{"gatewayCodeExecution":{}}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chunks = await GeminiWire.ChunksAsync(response);
        var parts = chunks.SelectMany(c => c["candidates"]?[0]?["content"]?["parts"]?.AsArray() ?? []).ToList();
        Assert.DoesNotContain(parts, p => p!["functionCall"] is not null);
        var code = parts.Select(p => p!["executableCode"]).OfType<JsonNode>().ToList();
        var results = parts.Select(p => p!["codeExecutionResult"]).OfType<JsonNode>().ToList();
        Assert.Equal(["PYTHON", "PYTHON"], code.Select(c => (string?)c["language"]));
        Assert.Equal("print(6 * 7)", (string?)code[0]["code"]);
        Assert.Equal(code.Select(c => (string?)c["id"]), results.Select(r => (string?)r["id"]));
        Assert.Equal([("OUTCOME_OK", "42\n"), ("OUTCOME_FAILED", "no such table\n")], results.Select(r => ((string?)r["outcome"], (string?)r["output"])));
        Assert.Equal("It is 42.", GeminiWire.Text(chunks));
        Assert.Equal("STOP", (string?)chunks[^1]["candidates"]![0]!["finishReason"]);
        var answered = GeminiUpstream.Requests.Last().Body["contents"]!.AsArray().SelectMany(c => c!["parts"]!.AsArray()).Select(p => p!["functionResponse"]).OfType<JsonNode>().ToList();
        Assert.Equal(["gateway_code_execution", "gateway_code_execution"], answered.Select(a => (string?)a["name"]));
        Assert.Contains("42", answered[0].ToJsonString());
        Assert.Contains("no such table", answered[1].ToJsonString());
    }

    [Fact]
    public async Task A_real_search_in_a_streamed_loop_reaches_an_openai_client_as_a_url_citation_of_the_page()
    {
        ScriptArticleSearch();
        OpenAIUpstream.Script("up-1", FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", TideMill), FakeOpenAIUpstream.Reply.Ok("A tide mill stores the sea in a pond [1]."));

        using var response = await WireJson.PostAsync(OpenAIClient, "/v1/chat/completions", $$"""
            {"model":"{{OpenAIModel}}","stream":true,"messages":[{"role":"user","content":"How does a tide mill work?"}],"tools":[{"type":"gateway_web_search","max_results":1}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var choices = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split('\n')
            .Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!["choices"]?[0]).OfType<JsonNode>().ToList();
        Assert.Equal("A tide mill stores the sea in a pond [1].", string.Concat(choices.Select(c => (string?)c["delta"]?["content"])));
        var citation = choices.SelectMany(c => c["delta"]?["annotations"]?.AsArray() ?? []).Single()!["url_citation"]!;
        Assert.Equal((ArticleUrl, Article), ((string?)citation["url"], (string?)citation["title"]));
        AssertTheArticleWasFoundAndRead(OpenAIUpstream.Requests.Last().Body["messages"]![2]!);
    }

    [Fact]
    public async Task A_real_search_in_a_streamed_loop_reaches_an_anthropic_client_as_a_web_search_result_of_the_page()
    {
        ScriptArticleSearch();
        ClaudeUpstream.Script(FakeAnthropicUpstream.Reply.ToolUse("gateway_web_search", TideMill), FakeAnthropicUpstream.Reply.Text("A tide mill stores the sea in a pond."));

        using var response = await WireJson.PostAsync(AnthropicClient, "/v1/messages", $$"""
            {"model":"{{ClaudeModel}}","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"How does a tide mill work?"}],
             "tools":[{"type":"gateway_web_search","name":"web_search","max_results":1}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var blocks = AnthropicWire.Blocks(await AnthropicWire.EventsAsync(response));
        var found = Assert.Single(blocks.Single(b => (string?)b!["type"] == "web_search_tool_result")!["content"]!.AsArray())!;
        Assert.Equal(("web_search_result", ArticleUrl, Article), ((string?)found["type"], (string?)found["url"], (string?)found["title"]));
        AssertTheArticleWasFoundAndRead(ClaudeUpstream.Requests.Last().Body["messages"]![2]!);
    }

    [Fact]
    public async Task A_real_search_in_a_streamed_loop_reaches_a_gemini_client_as_the_grounding_of_the_page()
    {
        ScriptArticleSearch();
        GeminiUpstream.Script(FakeGeminiUpstream.Reply.FunctionCall("gateway_web_search", TideMill), FakeGeminiUpstream.Reply.Text("A tide mill stores the sea in a pond."));

        using var response = await WireJson.PostAsync(GeminiClient, $"/v1beta/models/{GeminiModel}:streamGenerateContent?alt=sse",
            """{"contents":[{"role":"user","parts":[{"text":"How does a tide mill work?"}]}],"tools":[{"gatewayWebSearch":{"max_results":1}}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var grounding = (await GeminiWire.ChunksAsync(response)).Select(c => c["candidates"]?[0]?["groundingMetadata"]).OfType<JsonNode>().Single();
        Assert.Equal(["tide mill"], grounding["webSearchQueries"]!.AsArray().Select(q => (string?)q));
        var web = Assert.Single(grounding["groundingChunks"]!.AsArray())!["web"]!;
        Assert.Equal((ArticleUrl, Article), ((string?)web["uri"], (string?)web["title"]));
        AssertTheArticleWasFoundAndRead(GeminiUpstream.Requests.Last().Body["contents"]![2]!);
    }

    [Fact]
    public async Task The_official_google_genai_client_reads_executable_code_its_result_and_grounding_whole_and_streamed()
    {
        ScriptArticleSearch();
        GeminiUpstream.Script(
            FakeGeminiUpstream.Reply.FunctionCall("gateway_code_execution", SixTimesSeven), FakeGeminiUpstream.Reply.Text("It is 42."),
            FakeGeminiUpstream.Reply.FunctionCall("gateway_code_execution", SixTimesSeven), FakeGeminiUpstream.Reply.Text("It is 42."),
            FakeGeminiUpstream.Reply.FunctionCall("gateway_web_search", TideMill), FakeGeminiUpstream.Reply.Text("A tide mill stores the sea in a pond."),
            FakeGeminiUpstream.Reply.FunctionCall("gateway_web_search", TideMill), FakeGeminiUpstream.Reply.Text("A tide mill stores the sea in a pond."));

        var seen = await JsClients.SeenAsync("genai-tools.mjs", new Dictionary<string, string>
        {
            ["GATEWAY_URL"] = Server.Client.BaseAddress!.ToString().TrimEnd('/'), ["GATEWAY_KEY"] = Secret, ["MODEL"] = GeminiModel,
        });

        foreach (var code in new[] { seen["code"]!, seen["codeStreamed"]! })
        {
            Assert.Equal(("print(6 * 7)", "PYTHON"), ((string?)code["executableCode"], (string?)code["language"]));
            Assert.Equal(("42\n", "OUTCOME_OK"), ((string?)code["codeExecutionResult"], (string?)code["outcome"]));
            Assert.Equal(("It is 42.", 0, "STOP"), ((string?)code["text"], (int)code["functionCalls"]!, (string?)code["finish"]));
        }

        foreach (var search in new[] { seen["search"]!, seen["searchStreamed"]! })
        {
            Assert.Equal(["tide mill"], search["queries"]!.AsArray().Select(q => (string?)q));
            var source = Assert.Single(search["sources"]!.AsArray())!;
            Assert.Equal((ArticleUrl, Article), ((string?)source["uri"], (string?)source["title"]));
            Assert.Equal(("A tide mill stores the sea in a pond.", 0), ((string?)search["text"], (int)search["functionCalls"]!));
        }

        Assert.Equal(8, GeminiUpstream.Requests.Count);
        Assert.All(GeminiUpstream.Requests, r => Assert.Equal("functionDeclarations", Assert.Single(r.Body["tools"]![0]!.AsObject()).Key));
    }

    /// <summary>The backend was asked once, the page fetched once, and its extracted text is in the function result the upstream got.</summary>
    private void AssertTheArticleWasFoundAndRead(JsonNode functionResult)
    {
        Assert.Equal("tide mill", Assert.Single(_backend.Requests).Query["q"]);
        Assert.Equal(1, _web.HitsTo("/pages/article.html"));
        Assert.Contains("twice a day the incoming tide fills a pond", functionResult.ToJsonString());
    }

    /// <summary>The backend finds the tide mill article, under a name the fake resolver points at the fake web.</summary>
    private void ScriptArticleSearch()
    {
        Server.Resolver.Answer("search.test", "127.0.0.1");
        Server.Resolver.Answer("news.example", "127.0.0.1");
        _backend.Answers = [new FakeResult(Article, ArticleUrl, "A tide mill stores the sea.")];
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Inference.Anthropic;
using Gateway.Host.Tests.Features.Inference.Gemini;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// <c>tools.intercept_native: true</c>: a provider's own tools (Anthropic's web search and code execution, Gemini's
/// googleSearch and codeExecution, OpenAI chat's web_search_options) reach an upstream of their own dialect as they came,
/// and for an upstream of another the gateway runs its own tool of that kind in their place, the upstream offered a
/// plain function and the client shown the result in its dialect's own shapes. The choice is made per attempt.
/// </summary>
public sealed class InterceptedNativeToolTests(PostgresFixture postgres) : NativeToolTestBase(postgres)
{
    private const string Overloaded = """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""";

    protected override bool InterceptNative => true;

    [Theory]
    [InlineData("""{"type":"web_search_20250305","name":"web_search","max_uses":2,"allowed_domains":["example.com"],"user_location":{"type":"approximate","city":"Oslo"}}""")]
    [InlineData("""{"type":"code_execution_20250825","name":"code_execution"}""")]
    public async Task An_anthropic_native_tool_reaches_an_anthropic_upstream_as_it_came(string entry)
    {
        using var response = await AnthropicAsync(ToClaude, JsonNode.Parse(entry)!.AsObject());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(entry, Assert.Single(ClaudeUpstream.Requests).Body["tools"]![0]!.ToJsonString());
        Assert.Equal(0, Tools.WebSearch.Opened + Tools.CodeExecution.Opened);
    }

    [Theory]
    [InlineData("""{"googleSearch":{}}""")]
    [InlineData("""{"google_search":{"timeRangeFilter":{"startTime":"2026-01-01T00:00:00Z","endTime":"2026-02-01T00:00:00Z"}}}""")]
    [InlineData("""{"codeExecution":{}}""")]
    [InlineData("""{"code_execution":{}}""")]
    public async Task A_gemini_native_tool_reaches_a_gemini_upstream_as_it_came(string entry)
    {
        using var response = await GeminiAsync(ToGemini, JsonNode.Parse(entry)!.AsObject());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(entry, Assert.Single(GeminiUpstream.Requests).Body["tools"]![0]!.ToJsonString());
        Assert.Equal(0, Tools.WebSearch.Opened + Tools.CodeExecution.Opened);
    }

    [Fact]
    public async Task OpenAIs_web_search_options_reach_an_openai_upstream_as_they_came()
    {
        using var response = await OpenAIAsync(ToOpenAI);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"search_context_size":"low"}""", Assert.Single(OpenAIUpstream.Requests).Body["web_search_options"]!.ToJsonString());
        Assert.Equal(0, Tools.WebSearch.Opened);
    }

    [Fact]
    public async Task An_anthropic_web_search_for_another_upstream_runs_as_the_gateways_with_its_options_and_is_shown_as_anthropics_blocks()
    {
        OpenAICalls("gateway_web_search", """{"query":"example domain"}""");

        using var response = await AnthropicAsync(ToOpenAI, JsonNode.Parse("""
            {"type":"web_search_20250305","name":"web_search","max_uses":3,"allowed_domains":["example.com"],"blocked_domains":["bad.example"],"user_location":{"type":"approximate","city":"Oslo"}}
            """)!.AsObject());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var offered = OpenAIUpstream.Requests.First().Body;
        Assert.Equal(["gateway_web_search"], offered["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]));
        Assert.DoesNotContain("web_search_20250305", offered.ToJsonString());
        Assert.Equal("""{"allowed_domains":["example.com"],"blocked_domains":["bad.example"]}""", Assert.Single(Tools.WebSearch.SessionOptions).ToJsonString());
        var message = await JsonAsync(response);
        var blocks = message["content"]!.AsArray();
        Assert.Equal(["server_tool_use", "web_search_tool_result", "text"], blocks.Select(b => (string?)b!["type"]));
        Assert.Equal("web_search", (string?)blocks[0]!["name"]);
        Assert.StartsWith("srvtoolu_gw_", (string?)blocks[0]!["id"], StringComparison.Ordinal);
        Assert.Equal("https://example.com/", (string?)blocks[1]!["content"]![0]!["url"]);
        Assert.Equal(Cited, (string?)blocks[2]!["text"]);
        Assert.Equal(1, (int?)message["usage"]!["server_tool_use"]!["web_search_requests"]);
    }

    [Fact]
    public async Task An_anthropic_web_search_for_another_upstream_streams_anthropics_blocks()
    {
        OpenAICalls("gateway_web_search", """{"query":"example domain"}""");

        using var response = await AnthropicAsync(ToOpenAI, new JsonObject { ["type"] = "web_search_20250305", ["name"] = "web_search" }, stream: true);
        var events = await AnthropicWire.EventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["server_tool_use", "web_search_tool_result", "text"],
            events.Where(e => e.Event == "content_block_start").Select(e => (string?)e.Data["content_block"]!["type"]));
        Assert.Equal("message_stop", events[^1].Event);
    }

    [Fact]
    public async Task An_anthropic_web_search_runs_at_most_max_uses_times_and_the_model_is_told_so()
    {
        OpenAIUpstream.Script("up-1",
            FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", """{"query":"one"}"""),
            FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", """{"query":"two"}"""),
            FakeOpenAIUpstream.Reply.Ok(Cited));

        using var response = await AnthropicAsync(ToOpenAI, new JsonObject { ["type"] = "web_search_20250305", ["name"] = "web_search", ["max_uses"] = 1 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("one", (string?)Assert.Single(Tools.WebSearch.Calls)["query"]);
        var refusedResult = OpenAIUpstream.Requests.Last().Body["messages"]!.AsArray().Last(m => (string?)m!["role"] == "tool")!;
        Assert.Contains("max_uses", (string?)refusedResult["content"], StringComparison.Ordinal);
        var results = (await JsonAsync(response))["content"]!.AsArray().Where(b => (string?)b!["type"] == "web_search_tool_result").ToList();
        Assert.Equal([null, "web_search_tool_result_error"], results.Select(r => (string?)(r!["content"] as JsonObject)?["type"]));
    }

    [Fact]
    public async Task An_anthropic_code_execution_for_another_upstream_runs_as_the_gateways_and_is_shown_as_a_code_execution_result()
    {
        OpenAICalls("gateway_code_execution", """{"code":"print(2 + 2)"}""");

        using var response = await AnthropicAsync(ToOpenAI, new JsonObject { ["type"] = "code_execution_20250825", ["name"] = "code_execution" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gateway_code_execution"], OpenAIUpstream.Requests.First().Body["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]));
        var blocks = (await JsonAsync(response))["content"]!.AsArray();
        Assert.Equal(["server_tool_use", "code_execution_tool_result", "text"], blocks.Select(b => (string?)b!["type"]));
        Assert.Equal(("code_execution", "print(2 + 2)"), ((string?)blocks[0]!["name"], (string?)blocks[0]!["input"]!["code"]));
        Assert.Equal(FakeTool.Printed, (string?)blocks[1]!["content"]!["stdout"]);
    }

    [Fact]
    public async Task A_gemini_google_search_for_another_upstream_runs_as_the_gateways_and_is_shown_as_grounding()
    {
        OpenAICalls("gateway_web_search", """{"query":"example domain"}""");

        using var response = await GeminiAsync(ToOpenAI, JsonNode.Parse("""{"googleSearch":{"excludeDomains":["bad.example"]}}""")!.AsObject());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gateway_web_search"], OpenAIUpstream.Requests.First().Body["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]));
        Assert.Equal("""{"blocked_domains":["bad.example"]}""", Assert.Single(Tools.WebSearch.SessionOptions).ToJsonString());
        var candidate = (await JsonAsync(response))["candidates"]![0]!;
        Assert.Equal(["example domain"], candidate["groundingMetadata"]!["webSearchQueries"]!.AsArray().Select(q => (string?)q));
        Assert.Equal("https://example.com/", (string?)candidate["groundingMetadata"]!["groundingChunks"]![0]!["web"]!["uri"]);
        Assert.Equal(Cited, string.Concat(candidate["content"]!["parts"]!.AsArray().Select(p => (string?)p!["text"])));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_gemini_code_execution_for_another_upstream_runs_as_the_gateways_and_is_shown_as_executable_code_and_its_result(bool stream)
    {
        OpenAICalls("gateway_code_execution", """{"code":"print(2 + 2)"}""");

        using var response = await GeminiAsync(ToOpenAI, new JsonObject { ["codeExecution"] = new JsonObject() }, stream);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chunks = stream ? await GeminiWire.ChunksAsync(response) : [await JsonAsync(response)];
        var parts = chunks.SelectMany(c => c["candidates"]?[0]?["content"]?["parts"]?.AsArray() ?? []).ToList();
        Assert.Equal("print(2 + 2)", (string?)parts.Single(p => p!["executableCode"] is not null)!["executableCode"]!["code"]);
        var result = parts.Single(p => p!["codeExecutionResult"] is not null)!["codeExecutionResult"]!;
        Assert.Equal(("OUTCOME_OK", FakeTool.Printed), ((string?)result["outcome"], (string?)result["output"]));
        Assert.DoesNotContain(parts, p => p!["functionCall"] is not null);
    }

    [Fact]
    public async Task OpenAIs_web_search_options_for_another_upstream_run_as_the_gateways_search()
    {
        ClaudeUpstream.CallTool = "gateway_web_search";

        using var response = await OpenAIAsync(ToClaude);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var first = ClaudeUpstream.Requests.First().Body;
        Assert.Equal(["gateway_web_search"], first["tools"]!.AsArray().Select(t => (string?)t!["name"]));
        Assert.Null(first["web_search_options"]);
        var second = ClaudeUpstream.Requests.ElementAt(1).Body["messages"]!.AsArray();
        Assert.Contains(second.SelectMany(m => m!["content"] as JsonArray ?? []), b => (string?)b!["type"] == "tool_result" && ((string?)b["content"] ?? b["content"]!.ToJsonString()).Contains("example.com", StringComparison.Ordinal));
        Assert.NotEmpty(Tools.WebSearch.Calls);
    }

    [Fact]
    public async Task A_fallback_chain_passes_through_to_its_anthropic_target_when_that_one_serves()
    {
        using var response = await AnthropicAsync("claude-then-openai", new JsonObject { ["type"] = "web_search_20250305", ["name"] = "web_search" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("web_search_20250305", (string?)Assert.Single(ClaudeUpstream.Requests).Body["tools"]![0]!["type"]);
        Assert.Empty(OpenAIUpstream.Requests);
        // The loop was ready for the next target; its session never ran and is closed.
        Assert.Empty(Tools.WebSearch.Calls);
        Assert.Equal(Tools.WebSearch.Opened, Tools.WebSearch.Closed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_fallback_chain_runs_the_gateways_search_on_its_next_target_of_another_kind(bool stream)
    {
        for (var i = 0; i < 3; i++)
            ClaudeUpstream.Refuse("sk-ant-only", 529, Overloaded);
        OpenAICalls("gateway_web_search", """{"query":"example domain"}""");

        using var response = await AnthropicAsync("claude-then-openai", new JsonObject { ["type"] = "web_search_20250305", ["name"] = "web_search" }, stream);
        var shown = stream
            ? (await AnthropicWire.EventsAsync(response)).Where(e => e.Event == "content_block_start").Select(e => (string?)e.Data["content_block"]!["type"]).ToList()
            : [.. (await JsonAsync(response))["content"]!.AsArray().Select(b => (string?)b!["type"])];

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("web_search_20250305", (string?)ClaudeUpstream.Requests.First().Body["tools"]![0]!["type"]);
        Assert.Equal(["gateway_web_search"], OpenAIUpstream.Requests.First().Body["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]));
        Assert.Equal(["server_tool_use", "web_search_tool_result", "text"], shown);
    }

    [Fact]
    public async Task A_request_with_a_gateway_tool_runs_its_native_tool_as_the_gateways_on_every_target()
    {
        var body = new JsonArray(
            new JsonObject { ["type"] = "gateway_code_execution", ["name"] = "code_execution" },
            new JsonObject { ["type"] = "web_search_20250305", ["name"] = "web_search" });

        using var response = await PostAsync(AnthropicClient, "/v1/messages", new JsonObject
        {
            ["model"] = ToClaude, ["max_tokens"] = 50, ["tools"] = body,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is example.com?" }),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gateway_code_execution", "gateway_web_search"], Assert.Single(ClaudeUpstream.Requests).Body["tools"]!.AsArray().Select(t => (string?)t!["name"]));
    }

    [Fact]
    public async Task A_gateway_search_and_a_native_search_in_one_request_are_refused_naming_both()
    {
        using var response = await PostAsync(AnthropicClient, "/v1/messages", new JsonObject
        {
            ["model"] = ToOpenAI, ["max_tokens"] = 50,
            ["tools"] = new JsonArray(new JsonObject { ["type"] = "gateway_web_search" }, new JsonObject { ["type"] = "web_search_20250305", ["name"] = "web_search" }),
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is example.com?" }),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (string?)(await JsonAsync(response))["error"]!["message"];
        Assert.Contains("gateway_web_search", message, StringComparison.Ordinal);
        Assert.Contains("tools[1] (web_search_20250305)", message, StringComparison.Ordinal);
        Assert.Empty(OpenAIUpstream.Requests);
    }

    [Fact]
    public async Task GET_tools_says_native_tools_are_intercepted()
    {
        using var response = await OpenAIClient.GetAsync("/v1/tools", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((bool?)(await JsonAsync(response))["intercept_native"]);
    }
}

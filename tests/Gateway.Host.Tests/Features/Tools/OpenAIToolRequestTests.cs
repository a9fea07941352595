using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Host.Features.Tools;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Budgets;
using Gateway.Host.Tests.Infrastructure;
using Gateway.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// OpenAI chat requests that ask for a gateway tool, end to end: the fake upstream calls it, the gateway runs it (a
/// <see cref="FakeTool"/>; the real tools have their own end-to-end tests) and calls again, and the client gets the
/// answer. Every model call costs $7 and every search $1 (see <see cref="BudgetTestBase"/>).
/// </summary>
public sealed class OpenAIToolRequestTests(PostgresFixture postgres) : BudgetTestBase(postgres)
{
    private const string Answer = "Example Domain is kept for documentation [1].";
    private readonly FakeToolStarter _tools = new();

    private protected override IEnumerable<KeyValuePair<string, string?>> MoreConfig =>
    [
        .. base.MoreConfig, new("tools:web_search:enabled", "true"), new("tools:web_search:url", "http://127.0.0.1:9"),
        new("tool_prices:gateway_web_search:per_call", "1"), new("tools:max_tool_iterations", "2"),
    ];

    private protected override Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Services =>
        builder => builder.Services.AddSingleton<IToolStarter>(_tools);

    [Fact]
    public async Task The_model_calls_the_search_the_gateway_runs_it_and_the_client_gets_the_answer_made_with_its_result()
    {
        Upstream.ScriptInTurn(["up-1", "up-2", "up-3"], FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", """{"query":"example domain"}"""), FakeOpenAIUpstream.Reply.Ok(Answer));

        using var response = await PostAsync(Request());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(Answer, (string?)answer["choices"]![0]!["message"]!["content"]);
        Assert.Null(answer["choices"]![0]!["message"]!["tool_calls"]);
        Assert.Equal("stop", (string?)answer["choices"]![0]!["finish_reason"]);
        var citation = answer["choices"]![0]!["message"]!["annotations"]!.AsArray().Single()!;
        Assert.Equal(("url_citation", "https://example.com/"), ((string?)citation["type"], (string?)citation["url_citation"]!["url"]));
        Assert.Equal(Answer.IndexOf("[1]", StringComparison.Ordinal), (int)citation["url_citation"]!["start_index"]!);
        Assert.Equal("example domain", (string?)_tools.WebSearch.Calls.Single()["query"]);
        var (first, second) = (Upstream.Requests.ToArray()[0].Body, Upstream.Requests.ToArray()[1].Body);
        var offered = first["tools"]!.AsArray().Single()!;
        Assert.Equal(("function", "gateway_web_search"), ((string?)offered["type"], (string?)offered["function"]!["name"]));
        var messages = second["messages"]!.AsArray();
        Assert.Equal("gateway_web_search", (string?)messages[1]!["tool_calls"]![0]!["function"]!["name"]);
        Assert.Equal(("tool", "call_fake", _tools.WebSearch.Answer), ((string?)messages[2]!["role"], (string?)messages[2]!["tool_call_id"], (string?)messages[2]!["content"]));
    }

    [Fact]
    public async Task A_streamed_loop_shows_no_call_of_the_gateways_and_streams_the_answer_in_one_stream()
    {
        Upstream.ScriptInTurn(["up-1", "up-2", "up-3"], FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", """{"query":"example domain"}"""), FakeOpenAIUpstream.Reply.Ok(Answer));

        using var response = await PostAsync(Request(stream: true));
        var all = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chunks = Chunks(all);
        Assert.DoesNotContain(chunks, c => Choice(c)?["delta"]?["tool_calls"] is not null);
        Assert.Equal(Answer, string.Concat(chunks.Select(c => (string?)Choice(c)?["delta"]?["content"])));
        Assert.Equal(["stop"], chunks.Select(c => (string?)Choice(c)?["finish_reason"]).OfType<string>());
        Assert.Single(Regex.Matches(all, @"data: \[DONE\]"));
        Assert.Single(_tools.WebSearch.Calls);
    }

    [Fact]
    public async Task The_official_openai_node_client_gets_the_answer_with_its_citation_whole_and_streamed()
    {
        Upstream.ScriptInTurn(["up-1", "up-2", "up-3"],
            FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", """{"query":"example domain"}"""), FakeOpenAIUpstream.Reply.Ok(Answer),
            FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", """{"query":"example domain"}"""), FakeOpenAIUpstream.Reply.Ok(Answer));

        var seen = await JsClients.SeenAsync("openai-tools.mjs", new Dictionary<string, string>
        {
            ["GATEWAY_URL"] = Server.Client.BaseAddress!.ToString().TrimEnd('/'),
            ["GATEWAY_KEY"] = Secret,
            ["MODEL"] = "fake:gpt-4o-mini",
        });

        Assert.Equal(Answer, (string?)seen["whole"]!["content"]);
        Assert.Equal("stop", (string?)seen["whole"]!["finish"]);
        Assert.Equal("https://example.com/", (string?)seen["whole"]!["annotations"]![0]!["url_citation"]!["url"]);
        Assert.Equal(Answer, (string?)seen["streamed"]!["content"]);
        Assert.Equal("stop", (string?)seen["streamed"]!["finish"]);
        Assert.Equal(0, (int)seen["streamed"]!["toolCalls"]!);
        Assert.Equal(2, _tools.WebSearch.Calls.Count);
    }

    [Fact]
    public async Task Each_model_call_and_each_search_is_charged_and_recorded_under_the_one_request_id()
    {
        var budget = await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 100, period = "month" });
        Upstream.ScriptInTurn(["up-1", "up-2", "up-3"], FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", """{"query":"example domain"}"""), FakeOpenAIUpstream.Reply.Ok(Answer));

        using var response = await PostAsync(Request());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Server.FlushUsageAsync();
        Assert.Equal(1L, await Db.ScalarAsync<long>("select count(distinct request_id) from usage_records"));
        Assert.Equal(2L, await Db.ScalarAsync<long>("select count(*) from usage_records where endpoint = '/v1/chat/completions'"));
        Assert.Equal(1m, await Db.ScalarAsync<decimal>("select cost from usage_records where endpoint = 'tool' and provider = 'gateway' and model = 'gateway_web_search'"));
        // The tool call's reply reports 9 completion tokens, the answer 7.
        Assert.Equal(9m + 1m + 7m, await SpentUsdAsync(budget));
    }

    [Fact]
    public async Task A_budget_with_no_room_for_the_search_ends_the_request_with_402_after_charging_the_first_call()
    {
        var budget = await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 9.5, period = "month" });
        Upstream.ScriptInTurn(["up-1", "up-2", "up-3"], FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", """{"query":"example domain"}"""));

        using var response = await PostAsync(Request());

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Contains("before the gateway_web_search call call_fake", (string?)error["message"]);
        Assert.Empty(_tools.WebSearch.Calls);
        Assert.Equal(9m, await SpentUsdAsync(budget));
    }

    [Fact]
    public async Task After_the_last_round_a_call_of_the_tool_ends_the_answer_with_a_note_and_is_not_run()
    {
        var call = FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", """{"query":"again"}""");
        Upstream.ScriptInTurn(["up-1", "up-2", "up-3"], call, call, call);

        using var response = await PostAsync(Request());

        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(ToolLoop.CapNote(2).Trim(), ((string?)answer["choices"]![0]!["message"]!["content"])?.Trim());
        Assert.Equal("stop", (string?)answer["choices"]![0]!["finish_reason"]);
        Assert.Equal(2, _tools.WebSearch.Calls.Count);
        Assert.Equal("none", (string?)Upstream.Requests.ToArray()[2].Body["tool_choice"]);
    }

    [Fact]
    public async Task The_clients_own_function_call_in_the_same_turn_goes_back_to_it_after_the_search_ran()
    {
        Upstream.ScriptInTurn(["up-1", "up-2", "up-3"], FakeOpenAIUpstream.Reply.ToolCall("get_weather", "{}"));

        using var response = await PostAsync(Request(clientTool: true));

        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("get_weather", (string?)answer["choices"]![0]!["message"]!["tool_calls"]![0]!["function"]!["name"]);
        Assert.Equal("tool_calls", (string?)answer["choices"]![0]!["finish_reason"]);
        Assert.Single(Upstream.Requests);
    }

    [Fact]
    public async Task A_tool_that_is_not_enabled_is_refused_with_400_naming_it()
    {
        using var response = await PostAsync(Request(type: "gateway_code_execution"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Equal("tool_not_enabled", (string?)error["code"]);
        Assert.Contains("gateway_code_execution", (string?)error["message"]);
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task An_option_the_tool_cannot_take_is_refused_with_400_naming_it()
    {
        using var response = await PostAsync(Request(maxResults: 50));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Equal("the gateway_web_search tool's option max_results must be an integer from 1 to 10", (string?)error["message"]);
        Assert.Equal(0, _tools.WebSearch.Opened);
    }

    [Fact]
    public async Task A_tool_that_cannot_run_here_is_refused_with_503_and_the_reason()
    {
        _tools.WebSearch.Availability = ToolAvailability.Unavailable("the search backend is misconfigured");

        using var response = await PostAsync(Request());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Equal("tool_unavailable", (string?)error["code"]);
        Assert.Contains("the search backend is misconfigured", (string?)error["message"]);
    }

    [Fact]
    public async Task A_tool_the_organization_may_not_use_is_refused_with_403_and_listed_as_not_allowed()
    {
        var org = await Admin.OkAsync(HttpMethod.Patch, $"/v1/organizations/{OrgId}", new { allowed_tools = new[] { "gateway_code_execution" } });
        Assert.Equal(["gateway_code_execution"], org["allowed_tools"]!.AsArray().Select(t => (string?)t));

        using var response = await PostAsync(Request());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Equal("tool_not_allowed", (string?)error["code"]);
        Assert.Contains("gateway_web_search", (string?)error["message"]);
        Assert.Empty(Upstream.Requests);
        var listed = JsonNode.Parse(await Http.GetStringAsync("/v1/tools", TestContext.Current.CancellationToken))!;
        Assert.False((bool)listed["tools"]!.AsArray().Single(t => (string?)t!["type"] == "gateway_web_search")!["allowed"]!);
    }

    [Fact]
    public async Task A_key_limited_to_no_search_may_not_search_though_its_organization_may()
    {
        var (_, secret) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "no search", allowed_tools = new[] { "gateway_code_execution" } });
        using var limited = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        limited.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);

        using var response = await limited.PostAsync("/v1/chat/completions", new StringContent(Request(), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Request())).StatusCode);
    }

    [Fact]
    public async Task Allowed_tools_must_name_gateway_tools()
    {
        using var response = await Admin.SendAsync(HttpMethod.Patch, $"/v1/organizations/{OrgId}", new { allowed_tools = new[] { "web_search_20250305" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("allowed_tools[0]", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Get_tools_lists_each_tool_with_whether_it_can_run_its_limits_and_its_price()
    {
        using var response = await Http.GetAsync("/v1/tools", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var listed = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(2, (int)listed["max_tool_iterations"]!);
        var search = listed["tools"]!.AsArray().Single(t => (string?)t!["type"] == "gateway_web_search")!;
        Assert.Equal((true, true, true), ((bool)search["enabled"]!, (bool)search["available"]!, (bool)search["allowed"]!));
        Assert.Equal(5, (int)search["limits"]!["max_results"]!);
        Assert.Equal(1m, (decimal)search["price"]!["per_call"]!);
        var code = listed["tools"]!.AsArray().Single(t => (string?)t!["type"] == "gateway_code_execution")!;
        Assert.Equal((false, false), ((bool)code["enabled"]!, (bool)code["available"]!));
        Assert.Contains("tools.code_execution.enabled: true", (string?)code["reason"]);
    }


    private static string Request(bool stream = false, string type = "gateway_web_search", int maxResults = 3, bool clientTool = false)
    {
        var tools = new JsonArray(new JsonObject { ["type"] = type, ["max_results"] = maxResults });
        if (clientTool)
            tools.Add(new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "get_weather", ["parameters"] = new JsonObject { ["type"] = "object" } } });
        var body = new JsonObject
        {
            ["model"] = "fake:gpt-4o-mini", ["max_tokens"] = 7, ["stream"] = stream,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is example.com?" }),
            ["tools"] = tools,
        };
        if (stream)
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        return body.ToJsonString();
    }

    private Task<HttpResponseMessage> PostAsync(string body) =>
        Http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    private static JsonNode? Choice(JsonObject chunk) => chunk["choices"] is JsonArray { Count: > 0 } choices ? choices[0] : null;

    private static List<JsonObject> Chunks(string stream) =>
        [.. stream.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!.AsObject())];
}

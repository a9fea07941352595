using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.OpenAI;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.GatewayTools;

/// <summary>An Anthropic client's gateway tool entries, and the gateway's server_tool_use blocks it echoes on its next turn.</summary>
public sealed class AnthropicGatewayToolRequestTests
{
    /// <summary>A second turn: the gateway searched and ran code on the first, and the client sends its blocks back.</summary>
    private const string Echoing = """
        {"model":"m","max_tokens":100,
         "tools":[{"type":"gateway_web_search","name":"search","max_results":2},{"type":"gateway_code_execution"},
                  {"name":"weather","input_schema":{"type":"object"}}],
         "messages":[
           {"role":"user","content":"What is new, and what is 6*7?"},
           {"role":"assistant","content":[
             {"type":"text","text":"Searching."},
             {"type":"server_tool_use","id":"srvtoolu_gw_call_1","name":"search","input":{"query":"news"}},
             {"type":"web_search_tool_result","tool_use_id":"srvtoolu_gw_call_1","content":[
               {"type":"web_search_result","url":"https://a.example/1","title":"One","page_age":"2026-01-02"},
               {"type":"web_search_result","url":"https://b.example/2","title":"Two"}]},
             {"type":"server_tool_use","id":"srvtoolu_gw_call_2","name":"code_execution","input":{"code":"print(6*7)"}},
             {"type":"code_execution_tool_result","tool_use_id":"srvtoolu_gw_call_2","content":{"type":"code_execution_result","stdout":"42\n","stderr":"","return_code":0,"content":[]}},
             {"type":"text","text":"One [1] says hi; 6*7 is 42."}]},
           {"role":"user","content":"Thanks."}]}
        """;

    private static ChatRequest Read(string json)
    {
        var (request, problems) = AnthropicRequestReader.Read(Json(json));
        Assert.Empty(problems);
        return request!;
    }

    [Fact]
    public void Should_read_each_entry_with_its_name_and_the_rest_of_the_entry_as_its_options()
    {
        var uses = AnthropicRequestReader.GatewayTools(Json(Echoing));

        Assert.Equal([(GatewayToolKind.WebSearch, (string?)"search"), (GatewayToolKind.CodeExecution, null)], uses.Select(u => (u.Kind, u.Name)));
        Assert.Equal("""{"max_results":2}""", uses[0].Options.ToJsonString());
        Assert.Equal("{}", uses[1].Options.ToJsonString());
    }

    [Fact]
    public void Should_read_echoed_blocks_as_the_gateway_calls_and_results_they_were_in_the_order_they_came()
    {
        var request = Read(Echoing);

        Assert.Equal(["weather"], request.Tools.Select(t => t.Name));
        Assert.Equal(
            [ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant, ChatRole.User],
            request.Messages.Select(m => m.Role));
        var search = Assert.IsType<ServerToolCallPart>(request.Messages[1].Parts[1]);
        Assert.Equal(new ServerToolCallPart("call_1", GatewayToolKind.WebSearch, "search", """{"query":"news"}"""), search);
        var found = Assert.IsType<ServerToolResultPart>(Assert.Single(request.Messages[2].Parts));
        Assert.Equal("call_1", found.ToolCallId);
        var outcome = Assert.IsType<WebSearchOutcome>(found.Outcome);
        Assert.Equal("news", outcome.Query);
        Assert.Equal([("One", "https://a.example/1", "2026-01-02"), ("Two", "https://b.example/2", (string?)null)], outcome.Hits.Select(h => (h.Title, h.Url, h.Date)));
        Assert.Contains("[2] Two\nURL: https://b.example/2", found.Text, StringComparison.Ordinal);
        var ran = Assert.IsType<ServerToolResultPart>(Assert.Single(request.Messages[4].Parts));
        var run = Assert.IsType<CodeRunOutcome>(ran.Outcome);
        Assert.Equal(("print(6*7)", "42\n", "", 0, false), (run.Code, run.Stdout, run.Stderr, run.ExitCode, run.TimedOut));
        Assert.Equal("Exit code 0.\n--- stdout ---\n42", ran.Text);
    }

    [Fact]
    public void Should_send_an_openai_upstream_the_echoed_blocks_as_function_calls_and_their_results()
    {
        var messages = OpenAIChatRequestWriter.Write(ToolAnswers.Offered(Read(Echoing)), "gpt")["messages"]!.AsArray();

        Assert.Equal(
            """{"role":"assistant","content":"Searching.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"gateway_web_search","arguments":"{\u0022query\u0022:\u0022news\u0022}"}}]}""",
            messages[1]!.ToJsonString());
        Assert.Equal("tool", (string?)messages[2]!["role"]);
        Assert.Equal("call_1", (string?)messages[2]!["tool_call_id"]);
        Assert.Equal("""{"role":"assistant","content":null,"tool_calls":[{"id":"call_2","type":"function","function":{"name":"gateway_code_execution","arguments":"{\u0022code\u0022:\u0022print(6*7)\u0022}"}}]}""", messages[3]!.ToJsonString());
        Assert.Equal("""{"role":"tool","tool_call_id":"call_2","content":"Exit code 0.\n--- stdout ---\n42"}""", messages[4]!.ToJsonString());
        Assert.Equal("""{"role":"assistant","content":"One [1] says hi; 6*7 is 42."}""", messages[5]!.ToJsonString());
    }

    [Fact]
    public void Should_send_an_anthropic_upstream_the_echoed_blocks_as_tool_use_and_tool_result()
    {
        var messages = AnthropicRequestWriter.Write(ToolAnswers.Offered(Read(Echoing)), "claude")["messages"]!.AsArray();

        Assert.Equal(["user", "assistant", "user", "assistant", "user", "assistant", "user"], messages.Select(m => (string?)m!["role"]));
        Assert.Equal("""[{"type":"text","text":"Searching."},{"type":"tool_use","id":"call_1","name":"gateway_web_search","input":{"query":"news"}}]""", messages[1]!["content"]!.ToJsonString());
        Assert.Equal("tool_result", (string?)messages[2]!["content"]![0]!["type"]);
        Assert.DoesNotContain("server_tool_use", messages.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_the_gateway_tool_a_tool_choice_picks_by_its_entry_name_as_the_function_the_model_is_offered()
    {
        var request = Read("""
            {"model":"m","max_tokens":5,"tools":[{"type":"gateway_web_search","name":"search"}],"tool_choice":{"type":"tool","name":"search"},
             "messages":[{"role":"user","content":"hi"}]}
            """);

        Assert.Equal(new ChatToolChoice(ToolChoiceKind.Named, "gateway_web_search"), request.ToolChoice);
    }

    [Theory]
    [InlineData(
        """{"role":"assistant","content":[{"type":"server_tool_use","id":"srvtoolu_01","name":"web_search","input":{"query":"q"}}]}""",
        "messages[1].content[0]: blocks of type 'server_tool_use' cannot be sent to this model (text, image, tool_use and tool_result can)")]
    [InlineData(
        """{"role":"assistant","content":[{"type":"web_search_tool_result","tool_use_id":"srvtoolu_gw_x","content":[]}]}""",
        "messages[1].content[0]: web_search_tool_result answers no earlier server_tool_use of the gateway's ('srvtoolu_gw_x')")]
    [InlineData(
        """{"role":"assistant","content":[{"type":"server_tool_use","id":"srvtoolu_gw_1","name":"calculator","input":{}}]}""",
        "messages[1].content[0]: server_tool_use 'calculator' names none of the gateway's tools")]
    [InlineData(
        """{"role":"assistant","content":[{"type":"server_tool_use","id":"srvtoolu_gw_1","name":"web_search","input":{"query":"q"}},{"type":"code_execution_tool_result","tool_use_id":"srvtoolu_gw_1","content":{"type":"code_execution_result","stdout":"","stderr":"","return_code":0}}]}""",
        "messages[1].content[1]: code_execution_tool_result answers a call of web_search, which is not gateway_code_execution")]
    [InlineData(
        """{"role":"user","content":[{"type":"server_tool_use","id":"srvtoolu_gw_1","name":"web_search","input":{}}]}""",
        "messages[1].content[0]: server_tool_use blocks belong in assistant turns")]
    public void Should_refuse_what_is_not_an_echo_of_the_gateways_own_blocks_naming_it(string turn, string problem)
    {
        var (request, problems) = AnthropicRequestReader.Read(Json($$"""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"},{{turn}}]}"""));

        Assert.Null(request);
        Assert.Equal([problem], problems);
    }

    [Fact]
    public void Should_read_an_echoed_error_as_a_failed_run_with_no_outcome()
    {
        var request = Read("""
            {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[
              {"type":"server_tool_use","id":"srvtoolu_gw_1","name":"web_search","input":{"query":"q"}},
              {"type":"web_search_tool_result","tool_use_id":"srvtoolu_gw_1","content":{"type":"web_search_tool_result_error","error_code":"unavailable"}}]}]}
            """);

        var result = Assert.IsType<ServerToolResultPart>(Assert.Single(request.Messages[^1].Parts));
        Assert.Null(result.Outcome);
        Assert.Equal("The gateway_web_search call did not succeed (unavailable).", result.Text);
    }

    [Fact]
    public void Should_accept_gateway_entries_and_the_echoed_blocks() => Assert.Empty(AnthropicRequestValidator.Messages(Json(Echoing)));

    [Fact]
    public void Should_name_a_malformed_entry_or_echoed_result_by_its_path() =>
        Assert.Equal(
            [
                "messages[1].content[1].content[0].url is required (a string)",
                "messages[1].content[3].content.return_code must be an integer of at least -2147483648, not '0'",
                "tools[0].name must be a string, not 7",
                "tools[1] asks for gateway_web_search a second time (a request names each gateway tool once)",
            ],
            Problems(AnthropicRequestValidator.Messages(Json("""
                {"model":"m","max_tokens":5,"tools":[{"type":"gateway_web_search","name":7},{"type":"gateway_web_search"},{"type":"web_search_20250305","name":"web_search"}],
                 "messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[
                   {"type":"server_tool_use","id":"srvtoolu_gw_1","name":"web_search","input":{"query":"q"}},
                   {"type":"web_search_tool_result","tool_use_id":"srvtoolu_gw_1","content":[{"type":"web_search_result","title":"t"}]},
                   {"type":"server_tool_use","id":"srvtoolu_gw_2","name":"code_execution","input":{"code":"1"}},
                   {"type":"code_execution_tool_result","tool_use_id":"srvtoolu_gw_2","content":{"type":"code_execution_result","return_code":"0"}},
                   {"type":"web_search_tool_result","tool_use_id":"srvtoolu_01","content":"Anthropic's own, not looked into"}]}]}
                """))));
}

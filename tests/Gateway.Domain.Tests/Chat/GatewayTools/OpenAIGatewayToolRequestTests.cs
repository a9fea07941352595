using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.GatewayTools;

/// <summary>An OpenAI chat client's gateway tool entries: validated by shape, read apart from its functions.</summary>
public sealed class OpenAIGatewayToolRequestTests
{
    private const string Body = """
        {"model":"m","messages":[{"role":"user","content":"news?"}],
         "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}},
                  {"type":"gateway_web_search","max_results":3,"allowed_domains":["example.org"]},
                  {"type":"gateway_code_execution"}]}
        """;

    [Fact]
    public void Should_read_each_entry_as_its_tool_with_the_rest_of_the_entry_as_its_options()
    {
        var uses = OpenAIChatRequestReader.GatewayTools(Json(Body));

        Assert.Equal([GatewayToolKind.WebSearch, GatewayToolKind.CodeExecution], uses.Select(u => u.Kind));
        Assert.All(uses, u => Assert.Null(u.Name));
        Assert.Equal("""{"max_results":3,"allowed_domains":["example.org"]}""", uses[0].Options.ToJsonString());
        Assert.Equal("{}", uses[1].Options.ToJsonString());
    }

    [Fact]
    public void Should_read_the_request_with_its_functions_as_tools_and_the_gateway_entries_apart()
    {
        var (request, problems) = OpenAIChatRequestReader.Read(Json(Body));

        Assert.Empty(problems);
        Assert.Equal(["weather"], request!.Tools.Select(t => t.Name));
        Assert.Equal([GatewayToolKind.WebSearch, GatewayToolKind.CodeExecution], request.GatewayTools.Select(u => u.Kind));
    }

    [Fact]
    public void Should_read_no_gateway_tools_from_an_ordinary_request() =>
        Assert.Empty(OpenAIChatRequestReader.GatewayTools(Json("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""")));

    [Fact]
    public void Should_accept_gateway_entries_and_leave_their_options_to_the_tool() =>
        Assert.Empty(OpenAIRequestValidator.Chat(Json(Body)));

    [Fact]
    public void Should_refuse_a_second_entry_for_the_same_tool_naming_it() =>
        Assert.Equal(
            ["tools[1] asks for gateway_web_search a second time (a request names each gateway tool once)"],
            Problems(OpenAIRequestValidator.Chat(Json("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"gateway_web_search"},{"type":"gateway_web_search","max_results":1}]}
                """))));

    [Fact]
    public void Should_still_leave_other_tool_types_to_the_upstream() =>
        Assert.Empty(OpenAIRequestValidator.Chat(Json("""
            {"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search_preview"},{"type":"gateway_code_execution"}]}
            """)));
}

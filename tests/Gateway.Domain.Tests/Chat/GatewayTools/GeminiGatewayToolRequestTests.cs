using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.GatewayTools;

/// <summary>A Gemini client's gateway tools, and the gateway's executableCode / codeExecutionResult parts it echoes on its next turn.</summary>
public sealed class GeminiGatewayToolRequestTests
{
    private const string Echoing = """
        {"tools":[{"gatewayCodeExecution":{"timeout_seconds":5}},{"gatewayWebSearch":{},"functionDeclarations":[{"name":"weather"}]}],
         "contents":[
           {"role":"user","parts":[{"text":"What is 6*7?"}]},
           {"role":"model","parts":[
             {"text":"Computing."},
             {"executableCode":{"id":"call_9","language":"PYTHON","code":"print(6*7)"}},
             {"codeExecutionResult":{"id":"call_9","outcome":"OUTCOME_OK","output":"42\n"}},
             {"executableCode":{"language":"PYTHON","code":"1/0"}},
             {"codeExecutionResult":{"outcome":"OUTCOME_FAILED","output":"ZeroDivisionError"}},
             {"text":"It is 42."}]},
           {"role":"user","parts":[{"text":"Thanks."}]}]}
        """;

    private static ChatRequest Read(string json)
    {
        var (request, problems) = GeminiRequestReader.Read("m", Json(json));
        Assert.Empty(problems);
        return request!;
    }

    [Fact]
    public void Should_read_each_gateway_key_as_its_tool_with_the_object_under_it_as_its_options()
    {
        var uses = GeminiRequestReader.GatewayTools(Json(Echoing));

        Assert.Equal([GatewayToolKind.CodeExecution, GatewayToolKind.WebSearch], uses.Select(u => u.Kind));
        Assert.Equal("""{"timeout_seconds":5}""", uses[0].Options.ToJsonString());
        Assert.Equal("{}", uses[1].Options.ToJsonString());
    }

    [Fact]
    public void Should_read_echoed_code_and_results_as_the_gateway_calls_they_were_each_result_answering_its_code()
    {
        var request = Read(Echoing);

        Assert.Equal(["weather"], request.Tools.Select(t => t.Name));
        Assert.Equal(2, request.GatewayTools.Count);
        Assert.Equal(
            [ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant, ChatRole.User],
            request.Messages.Select(m => m.Role));
        Assert.Equal(new ServerToolCallPart("call_9", GatewayToolKind.CodeExecution, "gateway_code_execution", """{"code":"print(6*7)"}"""), request.Messages[1].Parts[1]);
        var ok = Assert.IsType<ServerToolResultPart>(Assert.Single(request.Messages[2].Parts));
        Assert.Equal(("call_9", "Outcome OUTCOME_OK.\n--- output ---\n42"), (ok.ToolCallId, ok.Text));
        var minted = Assert.IsType<ServerToolCallPart>(Assert.Single(request.Messages[3].Parts));
        var failed = Assert.IsType<ServerToolResultPart>(Assert.Single(request.Messages[4].Parts));
        Assert.Equal(("call_1", "call_1"), (minted.Id, failed.ToolCallId));
        var run = Assert.IsType<CodeRunOutcome>(failed.Outcome);
        Assert.Equal(("1/0", "", "ZeroDivisionError"), (run.Code, run.Stdout, run.Stderr));
    }

    [Fact]
    public void Should_send_an_anthropic_upstream_the_echoed_code_as_tool_use_and_tool_result()
    {
        var messages = AnthropicRequestWriter.Write(ToolAnswers.Offered(Read(Echoing)), "claude")["messages"]!.AsArray();

        Assert.Equal("""[{"type":"text","text":"Computing."},{"type":"tool_use","id":"call_9","name":"gateway_code_execution","input":{"code":"print(6*7)"}}]""", messages[1]!["content"]!.ToJsonString());
        Assert.Equal("""[{"type":"tool_result","tool_use_id":"call_9","content":"Outcome OUTCOME_OK.\n--- output ---\n42"}]""", messages[2]!["content"]!.ToJsonString());
    }

    [Fact]
    public void Should_send_a_gemini_upstream_of_a_translated_request_the_echoed_code_as_function_calls()
    {
        var contents = GeminiRequestWriter.Write(ToolAnswers.Offered(Read(Echoing)))["contents"]!.AsArray();

        Assert.Equal("""{"functionCall":{"name":"gateway_code_execution","args":{"code":"print(6*7)"}}}""", contents[1]!["parts"]![1]!.ToJsonString());
        Assert.Equal("""{"functionResponse":{"name":"gateway_code_execution","response":{"content":"Outcome OUTCOME_OK.\n--- output ---\n42"}}}""", contents[2]!["parts"]![0]!.ToJsonString());
        Assert.DoesNotContain("executableCode", contents.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_send_an_openai_upstream_the_echoed_code_as_function_calls() =>
        Assert.Equal(
            ["user", "assistant", "tool", "assistant", "tool", "assistant", "user"],
            OpenAIChatRequestWriter.Write(ToolAnswers.Offered(Read(Echoing)), "gpt")["messages"]!.AsArray().Select(m => (string?)m!["role"]));

    [Theory]
    [InlineData("""{"role":"model","parts":[{"codeExecutionResult":{"outcome":"OUTCOME_OK","output":"1"}}]}""", "contents[1].parts[0].codeExecutionResult answers no earlier executableCode part")]
    [InlineData("""{"role":"user","parts":[{"executableCode":{"language":"PYTHON","code":"1"}}]}""", "contents[1].parts[0]: executableCode parts belong in model turns")]
    public void Should_refuse_echoes_out_of_place(string turn, string problem)
    {
        var (request, problems) = GeminiRequestReader.Read("m", Json($$"""{"contents":[{"role":"user","parts":[{"text":"hi"}]},{{turn}}]}"""));

        Assert.Null(request);
        Assert.Equal([problem], problems);
    }

    [Fact]
    public void Should_still_refuse_geminis_own_tools_that_no_gateway_tool_stands_in_for()
    {
        var (_, problems) = GeminiRequestReader.Read("m", Json("""{"tools":[{"urlContext":{},"gatewayWebSearch":{}}],"contents":[{"parts":[{"text":"hi"}]}]}"""));

        Assert.Equal(["tools[0].urlContext is not supported (only functionDeclarations are)"], problems);
    }

    [Fact]
    public void Should_accept_gateway_tools_and_echoed_code() => Assert.Empty(GeminiRequestValidator.GenerateContent(Json(Echoing)));

    [Fact]
    public void Should_name_a_malformed_tool_or_echoed_part_by_its_path() =>
        Assert.Equal(
            [
                "contents[0].parts[0].executableCode.code is required (a string)",
                "contents[0].parts[1].codeExecutionResult.outcome is required (a string)",
                "tools[0].gatewayWebSearch must be an object, not true",
                "tools[1].gatewayCodeExecution asks for gateway_code_execution a second time (a request names each gateway tool once)",
            ],
            Problems(GeminiRequestValidator.GenerateContent(Json("""
                {"tools":[{"gatewayWebSearch":true,"gatewayCodeExecution":{}},{"gatewayCodeExecution":{}}],
                 "contents":[{"role":"model","parts":[{"executableCode":{"language":"PYTHON"}},{"codeExecutionResult":{"output":""}}]}]}
                """))));
}

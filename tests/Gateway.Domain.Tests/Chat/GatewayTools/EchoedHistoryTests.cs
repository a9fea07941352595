using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.GatewayTools;

/// <summary>
/// The gateway's echoed calls as upstreams are sent them: function calls where the request offers their function,
/// told as text where it does not; Gemini 3's thought signatures on the gateway's code calls, shown and read back,
/// and a step of parallel calls kept one step.
/// </summary>
public sealed class EchoedHistoryTests
{
    private const string AnthropicEcho = """
        {"model":"m","max_tokens":5,"messages":[
          {"role":"user","content":"What is 6*7?"},
          {"role":"assistant","content":[
            {"type":"text","text":"Computing."},
            {"type":"server_tool_use","id":"srvtoolu_gw_call_1","name":"code_execution","input":{"code":"print(6*7)"}},
            {"type":"code_execution_tool_result","tool_use_id":"srvtoolu_gw_call_1","content":{"type":"code_execution_result","stdout":"42\n","stderr":"","return_code":0,"content":[]}},
            {"type":"text","text":"It is 42."}]},
          {"role":"user","content":"Thanks."}]}
        """;

    private static ChatRequest Read(string json) => AnthropicRequestReader.Read(Json(json)).Request!;

    [Fact]
    public void Should_tell_an_upstream_not_offered_the_function_the_call_and_its_result_in_the_assistants_turn()
    {
        var messages = AnthropicRequestWriter.Write(Read(AnthropicEcho), "claude")["messages"]!.AsArray();

        Assert.Equal(["user", "assistant", "user"], messages.Select(m => (string?)m!["role"]));
        Assert.Equal(
            ["Computing.", "\n[gateway_code_execution called with {\"code\":\"print(6*7)\"}]\n", "[gateway_code_execution result: Exit code 0.\n--- stdout ---\n42]\n", "It is 42."],
            messages[1]!["content"]!.AsArray().Select(b => (string?)b!["text"]));
    }

    [Fact]
    public void Should_detect_the_echoes_of_each_dialect_by_the_gateways_ids()
    {
        Assert.True(AnthropicRequestReader.EchoesGatewayTools(Json(AnthropicEcho)));
        Assert.False(AnthropicRequestReader.EchoesGatewayTools(Json("""{"messages":[{"role":"assistant","content":[{"type":"server_tool_use","id":"srvtoolu_01","name":"web_search","input":{}}]}]}""")));
        Assert.True(GeminiRequestReader.EchoesGatewayTools(Json("""{"contents":[{"role":"model","parts":[{"executableCode":{"id":"gw_call_1","language":"PYTHON","code":"1"}}]}]}""")));
        Assert.False(GeminiRequestReader.EchoesGatewayTools(Json("""{"contents":[{"role":"model","parts":[{"executableCode":{"id":"exec_1","language":"PYTHON","code":"1"}}]}]}""")));
    }

    [Fact]
    public void Should_show_a_gemini_client_the_calls_signature_beside_its_code_and_read_it_back()
    {
        var signed = new ServerToolCallPart("call_1", GatewayToolKind.CodeExecution, "code_execution", """{"code":"1"}""", "c2lnbmVk");
        var shown = GeminiResponseWriter.Write(new ChatResponse("r", "m", [signed], FinishReason.Stop, ChatUsage.None), "m")["candidates"]![0]!["content"]!["parts"]![0]!;

        Assert.Equal("""{"executableCode":{"id":"gw_call_1","language":"PYTHON","code":"1"},"thoughtSignature":"c2lnbmVk"}""", shown.ToJsonString());
        var (request, _) = GeminiRequestReader.Read("m", Json($$"""{"contents":[{"role":"user","parts":[{"text":"hi"}]},{"role":"model","parts":[{{shown.ToJsonString()}}]}]}"""));
        Assert.Equal(("call_1", "c2lnbmVk"), request!.Messages[1].Parts.OfType<ServerToolCallPart>().Select(c => (c.Id, c.Signature)).Single());
    }

    [Fact]
    public void Should_send_a_gemini_upstream_a_signed_step_of_parallel_code_calls_as_one_step_with_its_signature()
    {
        var request = ToolAnswers.Offered(GeminiRequestReader.Read("m", Json("""
            {"tools":[{"gatewayCodeExecution":{}}],"contents":[
              {"role":"user","parts":[{"text":"Both."}]},
              {"role":"model","parts":[
                {"executableCode":{"id":"gw_a","language":"PYTHON","code":"1"},"thoughtSignature":"c2ln"},
                {"codeExecutionResult":{"id":"gw_a","outcome":"OUTCOME_OK","output":"1"}},
                {"executableCode":{"id":"gw_b","language":"PYTHON","code":"2"}},
                {"codeExecutionResult":{"id":"gw_b","outcome":"OUTCOME_OK","output":"2"}}]}]}
            """)).Request!);

        var contents = GeminiRequestWriter.Write(request)["contents"]!.AsArray();

        Assert.Equal(["user", "model", "user"], contents.Select(c => (string?)c!["role"]));
        var calls = contents[1]!["parts"]!.AsArray();
        Assert.Equal([("c2ln", "gateway_code_execution"), (null, "gateway_code_execution")], calls.Select(p => ((string?)p!["thoughtSignature"], (string?)p["functionCall"]!["name"])));
        Assert.Equal(2, contents[2]!["parts"]!.AsArray().Count);
    }
}

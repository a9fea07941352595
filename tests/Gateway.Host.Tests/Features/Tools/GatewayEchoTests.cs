using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// A conversation that echoes what the gateway showed of its own tool calls (Anthropic's <c>srvtoolu_gw_</c> blocks,
/// Gemini's code parts of <c>gw_</c> ids) never reaches an upstream as those blocks, even one of the client's own wire
/// format, which never issued them: it goes through the canonical form, where the calls are the function calls they
/// were when the request offers the gateway's functions, and are told as the assistant's text when it does not. The
/// thought signature of a Gemini call the gateway ran comes back to a Gemini 3 upstream with it.
/// </summary>
public sealed class GatewayEchoTests(PostgresFixture postgres) : NativeToolTestBase(postgres)
{
    private const string Gemini3 = "gemini:gemini-3-pro-preview";

    protected override bool InterceptNative => false;

    private static JsonArray AnthropicEcho() => JsonNode.Parse("""
        [{"role":"user","content":"What is example.com?"},
         {"role":"assistant","content":[
           {"type":"text","text":"Searching."},
           {"type":"server_tool_use","id":"srvtoolu_gw_call_1","name":"web_search","input":{"query":"example domain"}},
           {"type":"web_search_tool_result","tool_use_id":"srvtoolu_gw_call_1","content":[{"type":"web_search_result","url":"https://example.com/","title":"Example Domain"}]},
           {"type":"text","text":"It is kept for documentation [1]."}]},
         {"role":"user","content":"Thanks. And example.org?"}]
        """)!.AsArray();

    [Fact]
    public async Task An_anthropic_upstream_is_told_the_gateways_earlier_search_as_text_when_the_request_no_longer_asks_for_it()
    {
        using var response = await PostAsync(AnthropicClient, "/v1/messages", new JsonObject { ["model"] = ToClaude, ["max_tokens"] = 50, ["messages"] = AnthropicEcho() });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(ClaudeUpstream.Requests).Body;
        Assert.DoesNotContain("srvtoolu_gw_", sent.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("tool_use", sent.ToJsonString(), StringComparison.Ordinal);
        var messages = sent["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => (string?)m!["role"]));
        var told = string.Concat(messages[1]!["content"]!.AsArray().Select(b => (string?)b!["text"]));
        Assert.Contains("gateway_web_search called with {\"query\":\"example domain\"}", told, StringComparison.Ordinal);
        Assert.Contains("https://example.com/", told, StringComparison.Ordinal);
        Assert.EndsWith("It is kept for documentation [1].", told, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anthropic_upstream_in_a_loop_gets_the_gateways_earlier_search_as_the_function_call_it_was()
    {
        using var response = await PostAsync(AnthropicClient, "/v1/messages", new JsonObject
        {
            ["model"] = ToClaude, ["max_tokens"] = 50, ["messages"] = AnthropicEcho(),
            ["tools"] = new JsonArray(new JsonObject { ["type"] = "gateway_web_search", ["name"] = "web_search" }),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(ClaudeUpstream.Requests).Body;
        Assert.DoesNotContain("srvtoolu_gw_", sent.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(["gateway_web_search"], sent["tools"]!.AsArray().Select(t => (string?)t!["name"]));
        var blocks = sent["messages"]!.AsArray().SelectMany(m => m!["content"] as JsonArray ?? []).ToList();
        Assert.Contains(blocks, b => (string?)b!["type"] == "tool_use" && (string?)b["id"] == "call_1" && (string?)b["name"] == "gateway_web_search");
        Assert.Contains(blocks, b => (string?)b!["type"] == "tool_result" && (string?)b["tool_use_id"] == "call_1");
    }

    [Fact]
    public async Task A_gemini_upstream_is_told_the_gateways_earlier_code_as_text_and_never_sent_its_parts()
    {
        using var response = await PostAsync(GeminiClient, $"/v1beta/models/{ToGemini}:generateContent", Contents("""
            {"executableCode":{"id":"gw_call_1","language":"PYTHON","code":"print(2 * 2)"}},
            {"codeExecutionResult":{"id":"gw_call_1","outcome":"OUTCOME_OK","output":"4\n"}}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(GeminiUpstream.Requests).Body;
        Assert.DoesNotContain("executableCode", sent.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("gw_call_1", sent.ToJsonString(), StringComparison.Ordinal);
        var told = string.Concat(sent["contents"]![1]!["parts"]!.AsArray().Select(p => (string?)p!["text"]));
        Assert.Contains("gateway_code_execution called with {\"code\":\"print(2 * 2)\"}", told, StringComparison.Ordinal);
        Assert.Contains("OUTCOME_OK", told, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Geminis_own_code_parts_still_pass_through_to_a_gemini_upstream_as_they_came()
    {
        const string own = """{"executableCode":{"id":"exec_7","language":"PYTHON","code":"print(2 + 2)"}}""";

        using var response = await PostAsync(GeminiClient, $"/v1beta/models/{ToGemini}:generateContent", Contents(own + """,{"codeExecutionResult":{"id":"exec_7","outcome":"OUTCOME_OK","output":"4\n"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(own), Assert.Single(GeminiUpstream.Requests).Body["contents"]![1]!["parts"]![1]));
    }

    [Fact]
    public async Task A_gemini_3_upstream_gets_back_the_thought_signature_of_the_gateways_code_call_when_the_conversation_goes_on()
    {
        var tools = new JsonArray(new JsonObject { ["gatewayCodeExecution"] = new JsonObject() });
        using var first = await PostAsync(GeminiClient, $"/v1beta/models/{Gemini3}:generateContent", new JsonObject
        {
            ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = "Compute for Oslo and Rome." }) }),
            ["tools"] = tools.DeepClone(),
        });
        var shown = (await JsonAsync(first))["candidates"]![0]!["content"]!["parts"]!.AsArray();
        Assert.Equal(GeminiUpstream.Signed.First(), (string?)shown.First(p => p!["executableCode"] is not null)!["thoughtSignature"]);

        // The model's step of calls, echoed without its closing text: it belongs to the turn the next call continues.
        var step = new JsonArray([.. shown.Where(p => p!["text"] is null).Select(p => p!.DeepClone())]);
        using var second = await PostAsync(GeminiClient, $"/v1beta/models/{Gemini3}:generateContent", new JsonObject
        {
            ["contents"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = "Compute for Oslo and Rome." }) },
                new JsonObject { ["role"] = "model", ["parts"] = step }),
            ["tools"] = tools.DeepClone(),
        });

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var sent = GeminiUpstream.Requests.Last().Body["contents"]![1]!["parts"]![0]!;
        Assert.Equal(("gateway_code_execution", GeminiUpstream.Signed.First()), ((string?)sent["functionCall"]!["name"], (string?)sent["thoughtSignature"]));
        Assert.Equal(FakeGeminiUpstream.Gemini3Answer, string.Concat((await JsonAsync(second))["candidates"]![0]!["content"]!["parts"]!.AsArray().Select(p => (string?)p!["text"])));
    }

    private static JsonObject Contents(string modelParts) => JsonNode.Parse($$"""
        {"contents":[
          {"role":"user","parts":[{"text":"What is 2 + 2?"}]},
          {"role":"model","parts":[{"text":"Computing."},{{modelParts}},{"text":"It is 4."}]},
          {"role":"user","parts":[{"text":"Thanks."}]}]}
        """)!.AsObject();
}

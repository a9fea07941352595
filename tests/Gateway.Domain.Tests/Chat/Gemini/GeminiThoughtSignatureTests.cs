using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat.Gemini;

/// <summary>
/// Gemini 3's thought signatures through clients of other dialects: read from Gemini's answers and streams,
/// carried in the tool call ids the client sees, and put back on the functionCall parts of the next request.
/// </summary>
public sealed class GeminiThoughtSignatureTests
{
    private const string Signature = "Ciw+Bx/yQ==";
    private const string SignedId = "call_0__thought__Q2l3K0J4L3lRPT0";

    /// <summary>Two parallel calls: as Gemini does, only the first carries a signature.</summary>
    private const string ParallelCalls = """
        {"candidates":[{"content":{"role":"model","parts":[
           {"functionCall":{"name":"weather","args":{"city":"Oslo"}},"thoughtSignature":"Ciw+Bx/yQ=="},
           {"functionCall":{"name":"weather","args":{"city":"Rome"}}}]},"finishReason":"STOP"}],
         "usageMetadata":{"promptTokenCount":20,"candidatesTokenCount":9},"modelVersion":"gemini-3-pro-preview","responseId":"r-1"}
        """;

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual.ToJsonString()}");

    [Fact]
    public void Should_read_the_signature_of_the_first_of_parallel_calls_and_give_it_to_an_openai_client_inside_the_call_id()
    {
        var response = GeminiResponseReader.Read(JsonDocument.Parse(ParallelCalls).RootElement);

        Assert.Equal([Signature, null], response.Parts.OfType<ToolCallPart>().Select(c => c.Signature));
        AssertJson($$$"""
            [{"id":"{{{SignedId}}}","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}},
             {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Rome\"}"}}]
            """, OpenAIChatResponseWriter.Write(response, 0)["choices"]![0]!["message"]!["tool_calls"]!);
    }

    [Fact]
    public void Should_give_the_signature_to_an_anthropic_client_inside_the_tool_use_id()
    {
        var response = GeminiResponseReader.Read(JsonDocument.Parse(ParallelCalls).RootElement);

        AssertJson($$$"""
            [{"type":"tool_use","id":"{{{SignedId}}}","name":"weather","input":{"city":"Oslo"}},
             {"type":"tool_use","id":"call_1","name":"weather","input":{"city":"Rome"}}]
            """, AnthropicResponseWriter.Write(response)["content"]!);
    }

    [Fact]
    public void Should_read_the_signature_from_a_streamed_function_call_part_and_put_it_in_the_streamed_ids()
    {
        var deltas = new GeminiEventReader().Read(JsonDocument.Parse(ParallelCalls).RootElement).ToList();
        var openAi = deltas.OfType<ToolCallStarted>().Select(d => (string?)OpenAIChunkWriter.Chunk(d, "r-1", "m", 0)!["choices"]![0]!["delta"]!["tool_calls"]![0]!["id"]);
        var anthropic = new AnthropicEventWriter(0);
        var blocks = deltas.SelectMany(anthropic.Events).Where(e => e.Event == "content_block_start").Select(e => (string?)e.Data["content_block"]!["id"]);

        Assert.Equal([new ToolCallStarted(0, "call_0", "weather", Signature), new ToolCallStarted(1, "call_1", "weather")], deltas.OfType<ToolCallStarted>());
        Assert.Equal([SignedId, "call_1"], openAi);
        Assert.Equal([SignedId, "call_1"], blocks);
    }

    [Fact]
    public void Should_put_the_signature_an_openai_client_sent_back_on_its_function_call_part_and_answer_each_call_by_name()
    {
        var (request, problems) = OpenAIChatRequestReader.Read(JsonNode.Parse($$$$"""
            {"model":"m","tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}],
             "messages":[
               {"role":"user","content":"Weather in Oslo and Rome?"},
               {"role":"assistant","content":null,"tool_calls":[
                 {"id":"{{{{SignedId}}}}","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}},
                 {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Rome\"}"}}]},
               {"role":"tool","tool_call_id":"{{{{SignedId}}}}","content":"-3 C"},
               {"role":"tool","tool_call_id":"call_1","content":"14 C"}]}
            """)!.AsObject());

        Assert.Empty(problems);
        AssertJson("""
            [{"role":"user","parts":[{"text":"Weather in Oslo and Rome?"}]},
             {"role":"model","parts":[
               {"functionCall":{"name":"weather","args":{"city":"Oslo"}},"thoughtSignature":"Ciw+Bx/yQ=="},
               {"functionCall":{"name":"weather","args":{"city":"Rome"}}}]},
             {"role":"user","parts":[
               {"functionResponse":{"name":"weather","response":{"content":"-3 C"}}},
               {"functionResponse":{"name":"weather","response":{"content":"14 C"}}}]}]
            """, GeminiRequestWriter.Write(request!)["contents"]!);
    }

    [Fact]
    public void Should_put_the_signature_an_anthropic_client_sent_back_on_its_function_call_part()
    {
        var (request, problems) = AnthropicRequestReader.Read(JsonNode.Parse($$$"""
            {"model":"m","max_tokens":100,"messages":[
               {"role":"user","content":"Weather in Oslo?"},
               {"role":"assistant","content":[{"type":"tool_use","id":"{{{SignedId}}}","name":"weather","input":{"city":"Oslo"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{SignedId}}}","content":"-3 C"}]}]}
            """)!.AsObject());

        Assert.Empty(problems);
        AssertJson("""
            [{"role":"user","parts":[{"text":"Weather in Oslo?"}]},
             {"role":"model","parts":[{"functionCall":{"name":"weather","args":{"city":"Oslo"}},"thoughtSignature":"Ciw+Bx/yQ=="}]},
             {"role":"user","parts":[{"functionResponse":{"name":"weather","response":{"content":"-3 C"}}}]}]
            """, GeminiRequestWriter.Write(request!)["contents"]!);
    }

    [Fact]
    public void Should_send_another_upstream_the_calls_own_id_without_the_signature()
    {
        var (request, _) = OpenAIChatRequestReader.Read(JsonNode.Parse($$$"""
            {"model":"m","messages":[
               {"role":"user","content":"Weather in Oslo?"},
               {"role":"assistant","content":null,"tool_calls":[{"id":"{{{SignedId}}}","type":"function","function":{"name":"weather","arguments":"{}"}}]},
               {"role":"tool","tool_call_id":"{{{SignedId}}}","content":"-3 C"}]}
            """)!.AsObject());

        var anthropic = AnthropicRequestWriter.Write(request!, "claude");
        var openAi = OpenAIChatRequestWriter.Write(request!, "gpt");

        Assert.Equal("call_0", (string?)anthropic["messages"]![1]!["content"]![0]!["id"]);
        Assert.Equal("call_0", (string?)anthropic["messages"]![2]!["content"]![0]!["tool_use_id"]);
        Assert.Equal("call_0", (string?)openAi["messages"]![1]!["tool_calls"]![0]!["id"]);
        Assert.Equal("call_0", (string?)openAi["messages"]![2]!["tool_call_id"]);
    }

    [Fact]
    public void Should_keep_the_signature_beside_the_function_call_when_a_gemini_stream_is_rebuilt_as_a_json_array()
    {
        var writer = new GeminiEventWriter("gemini-3-pro-preview");
        foreach (var delta in new GeminiEventReader().Read(JsonDocument.Parse(ParallelCalls).RootElement))
            writer.Chunk(delta);

        AssertJson("""
            [{"functionCall":{"id":"call_0","name":"weather","args":{"city":"Oslo"}},"thoughtSignature":"Ciw+Bx/yQ=="},
             {"functionCall":{"id":"call_1","name":"weather","args":{"city":"Rome"}}}]
            """, writer.LastChunk(ChatUsage.None)["candidates"]![0]!["content"]!["parts"]!);
    }
}

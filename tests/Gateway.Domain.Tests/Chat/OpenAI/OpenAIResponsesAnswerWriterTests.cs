using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.OpenAI;

/// <summary>The canonical answer as the Responses API's response object: its output items, status, usage and the request's echo.</summary>
public sealed class OpenAIResponsesAnswerWriterTests
{
    private static JsonObject Write(string body, params ChatPart[] parts) => Write(body, FinishReason.Stop, parts);

    private static JsonObject Write(string body, FinishReason? finish, params ChatPart[] parts) =>
        OpenAIResponsesAnswerWriter.Write(new ChatResponse("upstream-1", "claude-x", parts, finish, new ChatUsage(10, 5, 0)), "resp_abc", 1700000000, ResponsesEcho.Of(Json(body)));

    [Fact]
    public void Should_write_a_text_answer_as_the_whole_response_object_with_the_apis_defaults_echoed() =>
        Assert.Equal(
            """
            {"id":"resp_abc","object":"response","created_at":1700000000,"status":"completed","background":false,"error":null,"incomplete_details":null,
            "instructions":null,"max_output_tokens":null,"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},
            "store":true,"temperature":null,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":null,"truncation":"disabled","user":null,"metadata":{},
            "model":"claude-x",
            "output":[{"id":"msg_abc_0","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello there."}],"role":"assistant"}],
            "usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":0},"output_tokens":5,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":15}}
            """.ReplaceLineEndings(""),
            Write("""{"model":"fake:gpt","input":"hi"}""", new TextPart("Hello "), new TextPart("there.")).ToJsonString());

    [Fact]
    public void Should_echo_the_requests_parameters_as_sent()
    {
        var response = Write("""
            {"model":"fake:gpt","input":"hi","instructions":"be brief","max_output_tokens":99,"parallel_tool_calls":false,"previous_response_id":"resp_0",
             "reasoning":{"effort":"low","generate_summary":"concise"},"store":false,"temperature":0.2,"top_p":0.5,"truncation":"auto","user":"u-1",
             "metadata":{"team":"a"},"text":{"format":{"type":"json_object"},"verbosity":"low"},"tool_choice":"required",
             "tools":[{"type":"function","name":"look","parameters":null,"strict":true}],"safety_identifier":"s-1","prompt_cache_key":"k"}
            """, new TextPart("{}"));

        Assert.Equal(
            """
            {"instructions":"be brief","max_output_tokens":99,"parallel_tool_calls":false,"previous_response_id":"resp_0","reasoning":{"effort":"low","summary":"concise"},
            "store":false,"temperature":0.2,"text":{"format":{"type":"json_object"},"verbosity":"low"},"tool_choice":"required",
            "tools":[{"type":"function","name":"look","parameters":null,"strict":true}],"top_p":0.5,"truncation":"auto","user":"u-1","metadata":{"team":"a"},
            "safety_identifier":"s-1","prompt_cache_key":"k"}
            """.ReplaceLineEndings(""),
            new JsonObject([.. response.Where(p => p.Key is not ("id" or "object" or "created_at" or "status" or "background" or "error" or "incomplete_details" or "model" or "output" or "usage"))
                .Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))]).ToJsonString());
    }

    [Fact]
    public void Should_answer_calls_under_the_name_and_namespace_the_client_declared_with_the_signature_in_the_call_id()
    {
        var output = Write("""
            {"model":"m","input":"go","tools":[{"type":"function","name":"look"},{"type":"custom","name":"apply_patch"},
              {"type":"namespace","name":"multi_agent_v1","description":"","tools":[{"type":"function","name":"spawn_agent"}]}]}
            """,
            FinishReason.ToolCalls,
            new TextPart("On it."),
            new ToolCallPart("call_1", "look", """{"q":"x"}""", "sig"),
            new ToolCallPart("call_2", "multi_agent_v1__spawn_agent", "{}"),
            new ToolCallPart("call_3", "apply_patch", """{"input":"*** Begin Patch\n"}"""))["output"]!;

        ResponsesCases.AssertJson(
            $$"""
            [{"id":"msg_abc_0","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"On it."}],"role":"assistant"},
            {"id":"fc_abc_1","type":"function_call","status":"completed","arguments":"{\"q\":\"x\"}","call_id":"{{SignedToolCallId.Write("call_1", "sig")}}","name":"look"},
            {"id":"fc_abc_2","type":"function_call","status":"completed","arguments":"{}","call_id":"call_2","name":"spawn_agent","namespace":"multi_agent_v1"},
            {"id":"ctc_abc_3","type":"custom_tool_call","call_id":"call_3","input":"*** Begin Patch\n","name":"apply_patch"}]
            """,
            output);
    }

    [Fact]
    public void Should_show_the_thinking_as_a_reasoning_summary_only_when_the_client_asked_for_one()
    {
        ChatPart[] parts = [new ThinkingPart("Let me think."), new TextPart("42")];

        Assert.Equal(
            """[{"id":"rs_abc_0","type":"reasoning","summary":[{"type":"summary_text","text":"Let me think."}]},{"id":"msg_abc_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"42"}],"role":"assistant"}]""",
            Write("""{"model":"m","input":"x","reasoning":{"effort":"high","summary":"auto"}}""", parts)["output"]!.ToJsonString());
        Assert.Equal(["message"], Write("""{"model":"m","input":"x","reasoning":{"effort":"high"}}""", parts)["output"]!.AsArray().Select(i => (string?)i!["type"]));
    }

    [Fact]
    public void Should_write_cached_and_reasoning_tokens_in_the_usage_details()
    {
        var response = OpenAIResponsesAnswerWriter.Write(
            new ChatResponse("u", "m", [new TextPart("x")], FinishReason.Stop, new ChatUsage(100, 40, 60, ReasoningTokens: 25)), "resp_1", 1, ResponsesEcho.Of(Json("""{"model":"m","input":"x"}""")));

        Assert.Equal(
            """{"input_tokens":100,"input_tokens_details":{"cached_tokens":60},"output_tokens":40,"output_tokens_details":{"reasoning_tokens":25},"total_tokens":140}""",
            response["usage"]!.ToJsonString());
    }

    [Theory]
    [InlineData(FinishReason.Stop, "completed", null)]
    [InlineData(FinishReason.ToolCalls, "completed", null)]
    [InlineData(null, "completed", null)]
    [InlineData(FinishReason.Length, "incomplete", """{"reason":"max_output_tokens"}""")]
    [InlineData(FinishReason.ContentFilter, "incomplete", """{"reason":"content_filter"}""")]
    public void Should_be_incomplete_with_the_reason_when_the_answer_was_cut_short(FinishReason? finish, string status, string? details)
    {
        var response = Write("""{"model":"m","input":"x"}""", finish, new TextPart("partial"));

        Assert.Equal((status, details), ((string?)response["status"], response["incomplete_details"]?.ToJsonString()));
    }

    [Fact]
    public void Should_name_the_model_as_asked_when_the_upstream_names_none() =>
        Assert.Equal("fake:gpt", (string?)OpenAIResponsesAnswerWriter.Write(
            new ChatResponse("u", "", [new TextPart("x")], FinishReason.Stop, ChatUsage.None), "resp_1", 1, ResponsesEcho.Of(Json("""{"model":"fake:gpt","input":"x"}""")))["model"]);
}

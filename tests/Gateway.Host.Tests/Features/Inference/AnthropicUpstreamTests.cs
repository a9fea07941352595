using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>OpenAI clients reaching Claude: requests and answers translated through the canonical model.</summary>
public sealed class AnthropicUpstreamTests(PostgresFixture postgres) : ClaudeProviderTestBase(postgres)
{
    private ChatClient Claude() => Sdk("claude:claude-sonnet-4-5");

    [Fact]
    public async Task Should_answer_an_openai_sdk_chat_fromClaude_with_anthropics_headers_and_required_fields()
    {
        ChatCompletion completion = await Claude().CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hello from Claude", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(25, completion.Usage.InputTokenCount);
        Assert.Equal(9, completion.Usage.OutputTokenCount);
        var received = Assert.Single(ClaudeUpstream.Requests);
        Assert.Equal("sk-ant-first", received.Key);
        Assert.Equal("2023-06-01", received.Version);
        Assert.Equal("claude-sonnet-4-5", (string?)received.Body["model"]);
        Assert.Equal("Be brief.", (string?)received.Body["system"]);
        Assert.Equal(4096, (int)received.Body["max_tokens"]!);
    }

    [Fact]
    public async Task Should_stream_claudes_events_to_the_openai_sdk_as_chunks_and_record_their_usage()
    {
        var text = await SdkStreams.TextAsync(Claude(), "Hi");

        var record = (await LastUsageRecordAsync())!;
        Assert.Equal("Hello from Claude", text);
        Assert.Equal(21, (int)record["prompt_tokens"]!);
        Assert.Equal(3, (int)record["completion_tokens"]!);
        Assert.False((bool)record["usage_estimated"]!);
    }

    [Fact]
    public async Task Should_carry_a_tool_call_and_its_result_across_the_translation()
    {
        ClaudeUpstream.CallTool = "weather";
        var weather = ChatTool.CreateFunctionTool("weather", "Weather now", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        var options = new ChatCompletionOptions { Tools = { weather } };
        List<OpenAI.Chat.ChatMessage> messages = [new UserChatMessage("Weather in Oslo?")];

        ChatCompletion first = await Claude().CompleteChatAsync(messages, options, TestContext.Current.CancellationToken);
        var call = Assert.Single(first.ToolCalls);
        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "-3 C"));
        ClaudeUpstream.CallTool = null;
        ChatCompletion second = await Claude().CompleteChatAsync(messages, options, TestContext.Current.CancellationToken);

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        Assert.Equal("weather", call.FunctionName);
        Assert.Equal("""{"city":"Oslo"}""", call.FunctionArguments.ToString());
        Assert.Equal("Hello from Claude", second.Content[0].Text);
        var followUp = ClaudeUpstream.Requests.Last().Body["messages"]!.AsArray();
        Assert.Equal("tool_use", (string?)followUp[1]!["content"]!.AsArray().Last()!["type"]);
        Assert.Equal("tool_result", (string?)followUp[2]!["content"]![0]!["type"]);
        Assert.Equal(call.Id, (string?)followUp[2]!["content"]![0]!["tool_use_id"]);
    }

    [Fact]
    public async Task Should_rotate_past_an_overloaded_key_and_translate_a_request_error_into_the_openai_shape()
    {
        ClaudeUpstream.Refuse("sk-ant-first", 529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        ClaudeUpstream.Refuse("sk-ant-first", 529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        using var http = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Secret);

        var rotated = await http.PostAsJsonAsync("/v1/chat/completions", new { model = "claude:claude-sonnet-4-5", messages = new[] { new { role = "user", content = "Hi" } } }, TestContext.Current.CancellationToken);
        ClaudeUpstream.Refuse("sk-ant-second", 400, """{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}""");
        var refused = await http.PostAsJsonAsync("/v1/chat/completions", new { model = "claude:claude-sonnet-4-5", messages = new[] { new { role = "user", content = "Hi" } } }, TestContext.Current.CancellationToken);
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(["sk-ant-first", "sk-ant-first", "sk-ant-second"], ClaudeUpstream.Requests.Take(3).Select(r => r.Key));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Contains("prompt is too long", (string?)error["message"], StringComparison.Ordinal);
    }
}

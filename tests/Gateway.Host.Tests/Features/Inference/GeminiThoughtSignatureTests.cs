using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic.Models.Messages;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;
using OpenAI.Chat;
using static Gateway.Host.Tests.Features.Inference.Anthropic.AnthropicWire;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>
/// Two-turn tool conversations of OpenAI and Anthropic SDK clients with a Gemini 3 model, which refuses a turn
/// whose function calls come back without their thought signatures (LiteLLM #16893): the gateway carries each
/// signature in the tool call id the client sees, and puts it back on the functionCall part it belongs to.
/// </summary>
public sealed class GeminiThoughtSignatureTests(PostgresFixture postgres) : GeminiProviderTestBase(postgres)
{
    private const string Gemini3 = "gemini:gemini-3-pro-preview";

    private static readonly OpenAI.Chat.ChatTool OpenAIWeather =
        OpenAI.Chat.ChatTool.CreateFunctionTool("weather", "Weather now", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));

    private static readonly Tool AnthropicWeather = new()
    {
        Name = "weather",
        Description = "Weather now",
        InputSchema = new InputSchema { Properties = new Dictionary<string, JsonElement> { ["city"] = JsonSerializer.SerializeToElement(new { type = "string" }) } },
    };

    private static string Temperature(string argumentsJson) => JsonNode.Parse(argumentsJson)!["city"]!.ToString() == "Oslo" ? "-3 C" : "14 C";

    [Fact]
    public async Task Should_carry_the_signature_through_an_openai_sdk_tool_conversation()
    {
        var options = new ChatCompletionOptions { Tools = { OpenAIWeather } };
        List<OpenAI.Chat.ChatMessage> messages = [new UserChatMessage("Weather in Oslo and Rome?")];

        ChatCompletion first = await Sdk(Gemini3).CompleteChatAsync(messages, options, TestContext.Current.CancellationToken);
        messages.Add(new AssistantChatMessage(first));
        messages.AddRange(first.ToolCalls.Select(c => new ToolChatMessage(c.Id, Temperature(c.FunctionArguments.ToString()))));
        ChatCompletion second = await Sdk(Gemini3).CompleteChatAsync(messages, options, TestContext.Current.CancellationToken);

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        Assert.Equal(FakeGeminiUpstream.Gemini3Answer, second.Content[0].Text);
        AssertSignatureWentBack();
    }

    [Fact]
    public async Task Should_carry_the_signature_through_a_streamed_openai_sdk_tool_conversation()
    {
        var options = new ChatCompletionOptions { Tools = { OpenAIWeather } };
        List<OpenAI.Chat.ChatMessage> messages = [new UserChatMessage("Weather in Oslo and Rome?")];
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Arguments)>();

        await foreach (var update in Sdk(Gemini3).CompleteChatStreamingAsync(messages, options, TestContext.Current.CancellationToken))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                if (call.ToolCallId is { } id)
                    calls[call.Index] = (id, call.FunctionName, new StringBuilder());
                calls[call.Index].Arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
        }

        messages.Add(new AssistantChatMessage([.. calls.Values.Select(c => ChatToolCall.CreateFunctionToolCall(c.Id, c.Name, BinaryData.FromString(c.Arguments.ToString())))]));
        messages.AddRange(calls.Values.Select(c => new ToolChatMessage(c.Id, Temperature(c.Arguments.ToString()))));
        var text = new StringBuilder();
        await foreach (var update in Sdk(Gemini3).CompleteChatStreamingAsync(messages, options, TestContext.Current.CancellationToken))
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));

        Assert.Equal(2, calls.Count);
        Assert.Equal(FakeGeminiUpstream.Gemini3Answer, text.ToString());
        Assert.All(GeminiUpstream.Requests, r => Assert.True(r.Stream));
        AssertSignatureWentBack();
    }

    [Fact]
    public async Task Should_carry_the_signature_through_an_anthropic_sdk_tool_conversation_in_valid_tool_use_ids()
    {
        var sdk = AnthropicSdk(Server.Client.BaseAddress!, Secret);
        List<MessageParam> messages = [new UserMessageParam { Content = "Weather in Oslo and Rome?" }];

        var first = await sdk.Messages.Create(new MessageCreateParams { Model = Gemini3, MaxTokens = 500, Tools = [AnthropicWeather], Messages = messages }, TestContext.Current.CancellationToken);
        var uses = first.Content.Select(b => b.Value).OfType<ToolUseBlock>().ToList();
        messages.Add(new AssistantMessageParam { Content = new List<ContentBlockParam>([.. uses.Select(u => (ContentBlockParam)new ToolUseBlockParam { ID = u.ID, Name = u.Name, Input = u.Input })]) });
        messages.Add(new UserMessageParam { Content = new List<ContentBlockParam>([.. uses.Select(u => (ContentBlockParam)new ToolResultBlockParam { ToolUseID = u.ID, Content = Temperature(JsonSerializer.Serialize(u.Input)) })]) });
        var second = await sdk.Messages.Create(new MessageCreateParams { Model = Gemini3, MaxTokens = 500, Tools = [AnthropicWeather], Messages = messages }, TestContext.Current.CancellationToken);

        Assert.Equal(2, uses.Count);
        Assert.All(uses, u => Assert.Matches("^[a-zA-Z0-9_-]+$", u.ID));
        Assert.Equal(FakeGeminiUpstream.Gemini3Answer, (second.Content.Single().Value as TextBlock)!.Text);
        AssertSignatureWentBack();
    }

    [Fact]
    public async Task Should_carry_the_signature_through_a_streamed_anthropic_sdk_tool_conversation()
    {
        var sdk = AnthropicSdk(Server.Client.BaseAddress!, Secret);
        List<MessageParam> messages = [new UserMessageParam { Content = "Weather in Oslo and Rome?" }];
        var uses = new List<(string Id, string Name, StringBuilder Input)>();

        await foreach (var e in sdk.Messages.CreateStreaming(new MessageCreateParams { Model = Gemini3, MaxTokens = 500, Tools = [AnthropicWeather], Messages = messages }, TestContext.Current.CancellationToken))
        {
            if (e.TryPickContentBlockStart(out var start) && start.ContentBlock.TryPickToolUse(out var use))
                uses.Add((use.ID, use.Name, new StringBuilder()));
            else if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickInputJson(out var json))
                uses[^1].Input.Append(json.PartialJson);
        }

        messages.Add(new AssistantMessageParam
        {
            Content = new List<ContentBlockParam>([.. uses.Select(u => (ContentBlockParam)new ToolUseBlockParam { ID = u.Id, Name = u.Name, Input = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(u.Input.ToString())! })]),
        });
        messages.Add(new UserMessageParam { Content = new List<ContentBlockParam>([.. uses.Select(u => (ContentBlockParam)new ToolResultBlockParam { ToolUseID = u.Id, Content = Temperature(u.Input.ToString()) })]) });
        var text = new StringBuilder();
        await foreach (var e in sdk.Messages.CreateStreaming(new MessageCreateParams { Model = Gemini3, MaxTokens = 500, Tools = [AnthropicWeather], Messages = messages }, TestContext.Current.CancellationToken))
        {
            if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var piece))
                text.Append(piece.Text);
        }

        Assert.Equal(2, uses.Count);
        Assert.Equal(FakeGeminiUpstream.Gemini3Answer, text.ToString());
        AssertSignatureWentBack();
    }

    [Fact]
    public async Task Should_answer_in_the_clients_dialect_with_geminis_refusal_when_a_client_sends_a_call_back_under_another_id()
    {
        using var http = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Secret);

        var refused = await PostAsync(http, "/v1/chat/completions", """
            {"model":"gemini:gemini-3-pro-preview","messages":[
              {"role":"user","content":"Weather in Oslo?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_0","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]},
              {"role":"tool","tool_call_id":"call_0","content":"-3 C"}]}
            """);
        var error = (await JsonAsync(refused))["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("INVALID_ARGUMENT", (string?)error["code"]);
        Assert.StartsWith("Function call is missing a thought_signature in functionCall parts.", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("function call `default_api:weather` , position 2.", (string?)error["message"], StringComparison.Ordinal);
    }

    /// <summary>
    /// The second request gave Gemini its model turn back as it was: the first call with the signature Gemini
    /// put on it, the parallel one without, each answered by a functionResponse.
    /// </summary>
    private void AssertSignatureWentBack()
    {
        var requests = GeminiUpstream.Requests.ToList();
        Assert.Equal(2, requests.Count);
        var turn = requests[1].Body["contents"]!.AsArray();
        Assert.Equal(["user", "model", "user"], turn.Select(c => (string?)c!["role"]));
        var calls = turn[1]!["parts"]!.AsArray();
        Assert.Equal(GeminiUpstream.Signed.First(), (string?)calls[0]!["thoughtSignature"]);
        Assert.Null(calls[1]!["thoughtSignature"]);
        Assert.Equal(["""{"city":"Oslo"}""", """{"city":"Rome"}"""], calls.Select(c => c!["functionCall"]!["args"]!.ToJsonString()));
        Assert.Equal(
            ["""{"name":"weather","response":{"content":"-3 C"}}""", """{"name":"weather","response":{"content":"14 C"}}"""],
            turn[2]!["parts"]!.AsArray().Select(p => p!["functionResponse"]!.ToJsonString()));
    }
}

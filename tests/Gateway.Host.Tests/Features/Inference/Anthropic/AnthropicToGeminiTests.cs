using Anthropic.Models.Messages;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Inference.Anthropic.AnthropicWire;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Inference.Anthropic;

/// <summary>Anthropic clients reaching Gemini through the canonical model, token counting by Gemini's countTokens.</summary>
public sealed class AnthropicToGeminiTests(PostgresFixture postgres) : GeminiProviderTestBase(postgres)
{
    [Fact]
    public async Task Should_answer_the_anthropic_sdk_fromGemini_with_system_thinking_and_stop_sequences_mapped_and_the_thoughts_as_a_thinking_block()
    {
        var message = await AnthropicSdk(Server.Client.BaseAddress!, Secret).Messages.Create(new MessageCreateParams
        {
            Model = "gemini:gemini-2.5-flash", MaxTokens = 9000, System = "Be brief.", StopSequences = ["END"],
            Thinking = new ThinkingConfigEnabled { BudgetTokens = 5000 }, Messages = [new UserMessageParam { Content = "Hi" }],
        }, TestContext.Current.CancellationToken);

        Assert.Equal(2, message.Content.Count);
        var thinking = (message.Content[0].Value as ThinkingBlock)!;
        Assert.Equal(("Thinking it over.", ""), (thinking.Thinking, thinking.Signature));
        Assert.Equal("Hello from Gemini", (message.Content[1].Value as TextBlock)!.Text);
        Assert.Equal(11, message.Usage.InputTokens);
        Assert.Equal(4, message.Usage.OutputTokens);
        var sent = Assert.Single(GeminiUpstream.Requests).Body;
        Assert.Equal("""{"parts":[{"text":"Be brief."}]}""", sent["systemInstruction"]!.ToJsonString());
        Assert.Equal("""{"maxOutputTokens":9000,"stopSequences":["END"],"thinkingConfig":{"thinkingBudget":5000,"includeThoughts":true}}""", sent["generationConfig"]!.ToJsonString());
    }

    [Fact]
    public async Task Should_stream_anthropics_event_sequence_fromGemini_chunks()
    {
        using var http = WireClient(Server.Client.BaseAddress!, Secret);
        var events = await EventsAsync(await PostAsync(http, "/v1/messages", """{"model":"gemini:gemini-2.5-flash","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"""));

        Assert.Equal(
            ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Event));
        Assert.Equal(11, (int)events[0].Data["message"]!["usage"]!["input_tokens"]!);
        Assert.Equal("Hello from Gemini", string.Concat(events[2..5].Select(e => (string?)e.Data["delta"]!["text"])));
        Assert.Equal("""{"stop_reason":"end_turn","stop_sequence":null}""", events[6].Data["delta"]!.ToJsonString());
        Assert.Equal(4, (int)events[6].Data["usage"]!["output_tokens"]!);
        var record = (await LastUsageRecordAsync())!;
        Assert.Equal(11, (int)record["prompt_tokens"]!);
        Assert.Equal(4, (int)record["completion_tokens"]!);
    }

    [Fact]
    public async Task Should_stream_gemini_thoughts_as_a_thinking_block_before_the_text_when_the_client_enabled_thinking()
    {
        using var http = WireClient(Server.Client.BaseAddress!, Secret);
        var events = await EventsAsync(await PostAsync(http, "/v1/messages",
            """{"model":"gemini:gemini-2.5-flash","max_tokens":5000,"stream":true,"thinking":{"type":"enabled","budget_tokens":2048},"messages":[{"role":"user","content":"Hi"}]}"""));

        Assert.Equal(
            [
                """content_block_start {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}""",
                """content_block_delta {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Thinking it over."}}""",
                """content_block_stop {"type":"content_block_stop","index":0}""",
                """content_block_start {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}""",
                """content_block_delta {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hello"}}""",
                """content_block_delta {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":" from"}}""",
                """content_block_delta {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":" Gemini"}}""",
                """content_block_stop {"type":"content_block_stop","index":1}""",
            ],
            events[1..^2].Select(e => $"{e.Event} {e.Data.ToJsonString()}"));
        Assert.Equal("""{"thinkingBudget":2048,"includeThoughts":true}""", Assert.Single(GeminiUpstream.Requests).Body["generationConfig"]!["thinkingConfig"]!.ToJsonString());
    }

    [Fact]
    public async Task Should_return_aGemini_function_call_as_a_tool_use_block()
    {
        GeminiUpstream.CallTool = "weather";
        using var http = WireClient(Server.Client.BaseAddress!, Secret);

        var answer = await JsonAsync(await PostAsync(http, "/v1/messages",
            """{"model":"gemini:gemini-2.5-flash","max_tokens":50,"tool_choice":{"type":"any"},"tools":[{"name":"weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],"messages":[{"role":"user","content":"Weather in Oslo?"}]}"""));

        Assert.Equal("""[{"type":"tool_use","id":"call_0","name":"weather","input":{"city":"Oslo"}}]""", answer["content"]!.ToJsonString());
        Assert.Equal("tool_use", (string?)answer["stop_reason"]);
        Assert.Equal("""{"functionCallingConfig":{"mode":"ANY"}}""", Assert.Single(GeminiUpstream.Requests).Body["toolConfig"]!.ToJsonString());
    }

    [Fact]
    public async Task Should_count_tokens_exactly_withGeminis_count_tokens_over_the_whole_request()
    {
        var count = await AnthropicSdk(Server.Client.BaseAddress!, Secret).Messages.CountTokens(new MessageCountTokensParams
        {
            Model = "gemini:gemini-2.5-flash", System = "Be brief.", Messages = [new UserMessageParam { Content = "Hi" }],
        }, TestContext.Current.CancellationToken);

        Assert.Equal(13, count.InputTokens);
        var sent = Assert.Single(GeminiUpstream.Requests);
        Assert.Equal("gemini-2.5-flash", sent.Model);
        Assert.Equal(
            """{"generateContentRequest":{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"systemInstruction":{"parts":[{"text":"Be brief."}]},"model":"models/gemini-2.5-flash"}}""",
            sent.Body.ToJsonString());
        Assert.Null(await LastUsageRecordAsync());
    }
}

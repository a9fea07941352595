using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;
using OpenAI.Responses;

namespace Gateway.Host.Tests.Features.Inference.Responses;

/// <summary>
/// What a Responses request asks of the answer, through the .NET SDK to each translated upstream in its own terms:
/// <c>text.format</c> json_schema and json_object, <c>reasoning.effort</c>; thinking back as a reasoning item when a
/// summary is asked; and the cached-token detail of each upstream's usage.
/// </summary>
public sealed class ResponsesFormatTests(PostgresFixture postgres) : ResponsesTestBase(postgres)
{
    private const string Schema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";

    [Theory]
    [InlineData(ChatModel)]
    [InlineData(ClaudeModel)]
    [InlineData(GeminiModel)]
    public async Task Should_send_a_json_schema_format_as_each_upstreams_structured_output(string model)
    {
        await Responses().CreateResponseAsync(new CreateResponseOptions(model, [ResponseItem.CreateUserMessageItem("Where?")])
        {
            TextOptions = new ResponseTextOptions { TextFormat = ResponseTextFormat.CreateJsonSchemaFormat("place", BinaryData.FromString(Schema), jsonSchemaIsStrict: true) },
        }, Ct);

        var (kind, schema) = model switch
        {
            ChatModel => Of(ChatUpstream.Requests.Last().Body["response_format"], f => ((string?)f["type"], f["json_schema"]?["schema"])),
            ClaudeModel => Of(ClaudeUpstream.Requests.Last().Body["output_config"]?["format"], f => ((string?)f["type"], f["schema"])),
            _ => Of(GeminiUpstream.Requests.Last().Body["generationConfig"], g => ((string?)g["responseMimeType"], g["responseSchema"])),
        };
        Assert.Equal(model == GeminiModel ? "application/json" : "json_schema", kind);
        Assert.Equal("string", (string?)schema?["properties"]?["city"]?["type"]);
        if (model == ChatModel)
            Assert.Equal("place", (string?)ChatUpstream.Requests.Last().Body["response_format"]!["json_schema"]!["name"]);
    }

    [Theory]
    [InlineData(ChatModel)]
    [InlineData(GeminiModel)]
    public async Task Should_send_a_json_object_format_as_json_mode(string model)
    {
        await Responses().CreateResponseAsync(new CreateResponseOptions(model, [ResponseItem.CreateUserMessageItem("Answer in JSON")])
        {
            TextOptions = new ResponseTextOptions { TextFormat = ResponseTextFormat.CreateJsonObjectFormat() },
        }, Ct);

        if (model == ChatModel)
            Assert.Equal("json_object", (string?)ChatUpstream.Requests.Last().Body["response_format"]!["type"]);
        else
            Assert.Equal("application/json", (string?)GeminiUpstream.Requests.Last().Body["generationConfig"]!["responseMimeType"]);
    }

    [Theory]
    [InlineData(ChatModel)]
    [InlineData(ClaudeModel)]
    [InlineData(GeminiModel)]
    public async Task Should_send_a_reasoning_effort_as_each_upstreams_reasoning_setting(string model)
    {
        await Responses().CreateResponseAsync(new CreateResponseOptions(model, [ResponseItem.CreateUserMessageItem("Think")])
        {
            ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.High },
        }, Ct);

        switch (model)
        {
            case ChatModel:
                Assert.Equal("high", (string?)ChatUpstream.Requests.Last().Body["reasoning_effort"]);
                break;
            case ClaudeModel:
                var thinking = ClaudeUpstream.Requests.Last().Body["thinking"]!;
                Assert.Equal("enabled", (string?)thinking["type"]);
                Assert.True((int)thinking["budget_tokens"]! >= 1024);
                break;
            default:
                Assert.True((int)GeminiUpstream.Requests.Last().Body["generationConfig"]!["thinkingConfig"]!["thinkingBudget"]! > 0);
                break;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_give_thinking_back_as_a_reasoning_item_when_a_summary_is_asked(bool stream)
    {
        ChatUpstream.Script("up-chat", FakeOpenAIUpstream.Reply.Reasoning("The user wants a greeting."));
        var options = new CreateResponseOptions(ChatModel, [ResponseItem.CreateUserMessageItem("Say hello")])
        {
            ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.Low, ReasoningSummaryVerbosity = ResponseReasoningSummaryVerbosity.Auto },
            StreamingEnabled = stream,
        };

        var response = stream ? await StreamedAsync(options) : await Responses().CreateResponseAsync(options, Ct);

        var reasoning = Assert.IsType<ReasoningResponseItem>(response.OutputItems[0]);
        Assert.Equal("The user wants a greeting.", reasoning.GetSummaryText());
        Assert.IsAssignableFrom<MessageResponseItem>(response.OutputItems[1]);
        Assert.Equal("Hello from the fake upstream", response.GetOutputText());
    }

    [Fact]
    public async Task Should_leave_thinking_out_when_no_summary_is_asked()
    {
        ChatUpstream.Script("up-chat", FakeOpenAIUpstream.Reply.Reasoning("The user wants a greeting."));

        ResponseResult response = await Responses().CreateResponseAsync(ChatModel, "Say hello", cancellationToken: Ct);

        Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(response.OutputItems));
    }

    [Theory]
    [InlineData(ChatModel, 15, 3)]
    [InlineData(ClaudeModel, 15, 5)]
    [InlineData(GeminiModel, 15, 4)]
    public async Task Should_report_each_upstreams_cached_tokens_in_the_input_token_details(string model, int input, int cached)
    {
        ChatUpstream.Reports = new FakeOpenAIUpstream.Usage(15, 7, 3);
        ClaudeUpstream.Reports = new FakeAnthropicUpstream.Usage(Input: 10, CacheRead: 5, CacheWrite5m: 0, CacheWrite1h: 0, Output: 7);
        GeminiUpstream.Reports = new FakeGeminiUpstream.Usage(15, 7, 4);

        ResponseResult response = await Responses().CreateResponseAsync(model, "Say hello", cancellationToken: Ct);

        Assert.Equal((input, cached, 7), (response.Usage.InputTokenCount, response.Usage.InputTokenDetails.CachedTokenCount, response.Usage.OutputTokenCount));
        Assert.Equal(input + 7, response.Usage.TotalTokenCount);
    }

    private static (string? Kind, JsonNode? Schema) Of(JsonNode? node, Func<JsonNode, (string?, JsonNode?)> read) => node is null ? (null, null) : read(node);

    private async Task<ResponseResult> StreamedAsync(CreateResponseOptions options)
    {
        ResponseResult? completed = null;
        await foreach (var update in await Responses().CreateResponseStreamingAsync(options, Ct))
        {
            if (update is StreamingResponseCompletedUpdate done)
                completed = done.Response;
        }

        return completed ?? throw new InvalidOperationException("the stream ended without response.completed");
    }
}

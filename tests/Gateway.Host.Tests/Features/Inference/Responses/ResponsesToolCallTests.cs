using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;
using OpenAI.Responses;

namespace Gateway.Host.Tests.Features.Inference.Responses;

/// <summary>
/// Function calls and their outputs through the .NET SDK's Responses client, on every kind of upstream, whole and
/// streamed: the SDK sees a function_call item, and its output sent back by call_id (after a previous_response_id,
/// or with the call re-sent as an input item, as Codex does) reaches each upstream in its own tool-result shape.
/// </summary>
public sealed class ResponsesToolCallTests(PostgresFixture postgres) : ResponsesTestBase(postgres)
{
    private const string Temperature = """{"temperature":"-3 C"}""";

    private static readonly ResponseTool Weather = ResponseTool.CreateFunctionTool(
        "weather", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""), strictModeEnabled: false, functionDescription: "Weather now");

    public static TheoryData<string, bool> EveryUpstreamWholeAndStreamed => new()
    {
        { NativeModel, false }, { NativeModel, true }, { ChatModel, false }, { ChatModel, true },
        { ClaudeModel, false }, { ClaudeModel, true }, { GeminiModel, false }, { GeminiModel, true },
    };

    [Theory]
    [MemberData(nameof(EveryUpstreamWholeAndStreamed))]
    public async Task Should_give_the_sdk_a_function_call_and_send_its_output_after_a_previous_response_by_call_id(string model, bool stream)
    {
        ScriptWeatherCall(model);
        var first = await AskAsync(new CreateResponseOptions(model, [ResponseItem.CreateUserMessageItem("Weather in Oslo?")]) { Tools = { Weather } }, stream);
        var call = Assert.Single(first.OutputItems.OfType<FunctionCallResponseItem>());

        var second = await AskAsync(new CreateResponseOptions(model, [ResponseItem.CreateFunctionCallOutputItem(call.CallId, Temperature)]) { Tools = { Weather }, PreviousResponseId = first.Id }, stream);

        Assert.Equal(("weather", Oslo), (call.FunctionName, call.FunctionArguments.ToString()));
        Assert.Contains("Hello", second.GetOutputText(), StringComparison.Ordinal);
        AssertToolResultReached(model, call.CallId);
    }

    [Theory]
    [MemberData(nameof(EveryUpstreamWholeAndStreamed))]
    public async Task Should_send_an_output_by_call_id_when_the_client_resends_the_call_as_codex_does(string model, bool stream)
    {
        ScriptWeatherCall(model);
        List<ResponseItem> input = [ResponseItem.CreateUserMessageItem("Weather in Oslo?")];
        var first = await AskAsync(new CreateResponseOptions(model, input) { Tools = { Weather }, StoredOutputEnabled = false }, stream);
        var call = Assert.Single(first.OutputItems.OfType<FunctionCallResponseItem>());
        input.Add(ResponseItem.CreateFunctionCallItem(call.CallId, call.FunctionName, call.FunctionArguments));
        input.Add(ResponseItem.CreateFunctionCallOutputItem(call.CallId, Temperature));

        var second = await AskAsync(new CreateResponseOptions(model, input) { Tools = { Weather }, StoredOutputEnabled = false }, stream);

        Assert.Contains("Hello", second.GetOutputText(), StringComparison.Ordinal);
        AssertToolResultReached(model, call.CallId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_carry_a_gemini_3_thought_signature_in_the_call_id_and_back(bool stream)
    {
        var first = await AskAsync(new CreateResponseOptions(Gemini3Model, [ResponseItem.CreateUserMessageItem("Weather in Oslo and Rome?")]) { Tools = { Weather } }, stream);
        var calls = first.OutputItems.OfType<FunctionCallResponseItem>().ToList();

        var second = await AskAsync(new CreateResponseOptions(Gemini3Model, [.. calls.Select(c => ResponseItem.CreateFunctionCallOutputItem(c.CallId, Temperature))])
        {
            Tools = { Weather }, PreviousResponseId = first.Id,
        }, stream);

        Assert.Equal(2, calls.Count);
        Assert.Equal(FakeGeminiUpstream.Gemini3Answer, second.GetOutputText());
        var sentBack = GeminiUpstream.Requests.Last().Body["contents"]!.AsArray().SelectMany(c => c!["parts"]!.AsArray()).First(p => p!["functionCall"] is not null)!;
        Assert.Equal(GeminiUpstream.Signed.First(), (string?)sentBack["thoughtSignature"]);
    }

    /// <summary>
    /// The upstream's last request carried the call and its output in its own shape, under the id the client saw
    /// (Gemini has no call ids: it pairs a functionResponse with its functionCall by name).
    /// </summary>
    private void AssertToolResultReached(string model, string callId)
    {
        switch (model)
        {
            case NativeModel:
                var input = NativeUpstream.Requests.Last().Body["input"]!.AsArray();
                var sentCall = input.Single(i => (string?)i!["type"] == "function_call")!;
                var sentOutput = input.Single(i => (string?)i!["type"] == "function_call_output")!;
                Assert.Equal((callId, "weather", Oslo), ((string?)sentCall["call_id"], (string?)sentCall["name"], (string?)sentCall["arguments"]));
                Assert.Equal((callId, Temperature), ((string?)sentOutput["call_id"], (string?)sentOutput["output"]));
                break;
            case ChatModel:
                var messages = ChatUpstream.Requests.Last().Body["messages"]!.AsArray();
                var assistant = messages.Single(m => (string?)m!["role"] == "assistant")!;
                var tool = messages.Single(m => (string?)m!["role"] == "tool")!;
                Assert.Equal((callId, "weather"), ((string?)assistant["tool_calls"]![0]!["id"], (string?)assistant["tool_calls"]![0]!["function"]!["name"]));
                Assert.Equal((callId, Temperature), ((string?)tool["tool_call_id"], ContentText(tool["content"])));
                break;
            case ClaudeModel:
                var blocks = ClaudeUpstream.Requests.Last().Body["messages"]!.AsArray().Where(m => m!["content"] is JsonArray).SelectMany(m => m!["content"]!.AsArray()).ToList();
                var use = blocks.Single(b => (string?)b!["type"] == "tool_use")!;
                var result = blocks.Single(b => (string?)b!["type"] == "tool_result")!;
                Assert.Equal((callId, "weather"), ((string?)use["id"], (string?)use["name"]));
                Assert.Equal((callId, Temperature), ((string?)result["tool_use_id"], ContentText(result["content"])));
                break;
            default:
                var parts = GeminiUpstream.Requests.Last().Body["contents"]!.AsArray().SelectMany(c => c!["parts"]!.AsArray()).ToList();
                var functionCall = parts.Single(p => p!["functionCall"] is not null)!["functionCall"]!;
                var functionResponse = parts.Single(p => p!["functionResponse"] is not null)!["functionResponse"]!;
                Assert.Equal(("weather", Oslo), ((string?)functionCall["name"], functionCall["args"]!.ToJsonString()));
                Assert.Equal(("weather", Temperature), ((string?)functionResponse["name"], functionResponse["response"]!.ToJsonString()));
                break;
        }
    }

    /// <summary>A content that is a string or text blocks, as text.</summary>
    private static string? ContentText(JsonNode? content) =>
        content is JsonArray blocks ? string.Concat(blocks.Select(b => (string?)b!["text"])) : (string?)content;

    /// <summary>Creates the response whole, or streamed to its end; the response as the SDK read it.</summary>
    private async Task<ResponseResult> AskAsync(CreateResponseOptions options, bool stream)
    {
        if (!stream)
            return await Responses().CreateResponseAsync(options, Ct);
        options.StreamingEnabled = true;
        ResponseResult? completed = null;
        var itemsDone = new List<ResponseItem>();
        await foreach (var update in await Responses().CreateResponseStreamingAsync(options, Ct))
        {
            if (update is StreamingResponseOutputItemDoneUpdate done)
                itemsDone.Add(done.Item);
            if (update is StreamingResponseCompletedUpdate end)
                completed = end.Response;
        }

        Assert.NotNull(completed);
        Assert.Equal(completed.OutputItems.Select(i => i.GetType()), itemsDone.Select(i => i.GetType()));
        return completed;
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Host.Features.Tools;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Inference;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// What Anthropic and Gemini clients see of a search the gateway ran in their request's loop, in their own shapes,
/// streamed and not, and what the next turn sends upstream when an Anthropic client echoes the blocks back. The fake
/// upstream (OpenAI-speaking: the loop runs on the canonical form whatever the upstream) calls the search, then answers.
/// </summary>
public sealed class NativeToolShapesTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    private const string Answer = "Example Domain is kept for documentation [1].";
    private readonly FakeToolStarter _tools = new();

    private protected override IEnumerable<KeyValuePair<string, string?>> MoreConfig =>
        [new("tools:web_search:enabled", "true"), new("tools:web_search:url", "http://127.0.0.1:9")];

    private protected override Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Services =>
        builder => builder.Services.AddSingleton<IToolStarter>(_tools);

    [Fact]
    public async Task An_anthropic_client_gets_server_tool_use_and_web_search_tool_result_blocks_and_the_search_count()
    {
        ScriptSearchThenAnswer();

        using var response = await AnthropicAsync(stream: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        var blocks = message["content"]!.AsArray();
        Assert.Equal(["server_tool_use", "web_search_tool_result", "text"], blocks.Select(b => (string)b!["type"]!));
        Assert.Equal(("srvtoolu_gw_call_fake", "web_search"), ((string?)blocks[0]!["id"], (string?)blocks[0]!["name"]));
        Assert.Equal("example domain", (string?)blocks[0]!["input"]!["query"]);
        Assert.Equal("srvtoolu_gw_call_fake", (string?)blocks[1]!["tool_use_id"]);
        Assert.Equal("https://example.com/", (string?)blocks[1]!["content"]![0]!["url"]);
        Assert.Null(blocks[1]!["content"]![0]!["encrypted_content"]);
        Assert.Equal(Answer, (string?)blocks[2]!["text"]);
        Assert.Equal("end_turn", (string?)message["stop_reason"]);
        Assert.Equal(1, (int)message["usage"]!["server_tool_use"]!["web_search_requests"]!);
    }

    [Fact]
    public async Task An_anthropic_stream_opens_the_blocks_whole_between_the_calls_in_one_message()
    {
        ScriptSearchThenAnswer();

        using var response = await AnthropicAsync(stream: true);
        var all = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Regex.Matches(all, "event: message_start"));
        Assert.Single(Regex.Matches(all, "event: message_stop"));
        Assert.DoesNotContain("event: error", all);
        var starts = Events(all).Where(e => (string?)e["type"] == "content_block_start").Select(e => (string?)e["content_block"]!["type"]).ToList();
        Assert.Equal(["server_tool_use", "web_search_tool_result", "text"], starts);
        Assert.DoesNotContain(Events(all), e => (string?)e["content_block"]?["type"] == "tool_use");
        Assert.Equal(Answer, string.Concat(Events(all).Select(e => (string?)e["delta"]?["text"])));
    }

    [Fact]
    public async Task An_anthropic_clients_echo_of_the_blocks_reaches_the_upstream_as_the_function_call_and_result_they_were()
    {
        ScriptSearchThenAnswer();
        using var first = await AnthropicAsync(stream: false);
        var content = JsonNode.Parse(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["content"]!.DeepClone();

        using var second = await AnthropicAsync(stream: false, history: new JsonArray(
            new JsonObject { ["role"] = "user", ["content"] = "What is example.com?" },
            new JsonObject { ["role"] = "assistant", ["content"] = content },
            new JsonObject { ["role"] = "user", ["content"] = "Thanks. And example.org?" }));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var messages = Upstream.Requests.Last().Body["messages"]!.AsArray();
        var call = messages.First(m => m!["tool_calls"] is JsonArray)!["tool_calls"]![0]!;
        Assert.Equal(("call_fake", "gateway_web_search"), ((string?)call["id"], (string?)call["function"]!["name"]));
        var result = messages.First(m => (string?)m!["role"] == "tool")!;
        Assert.Equal("call_fake", (string?)result["tool_call_id"]);
        Assert.Contains("https://example.com/", (string?)result["content"]);
    }

    [Fact]
    public async Task A_gemini_client_gets_the_grounding_of_the_search_on_its_candidate()
    {
        ScriptSearchThenAnswer();

        using var response = await GeminiAsync("generateContent");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var candidate = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["candidates"]![0]!;
        Assert.Equal(Answer, string.Concat(candidate["content"]!["parts"]!.AsArray().Select(p => (string?)p!["text"])));
        Assert.Equal(["example domain"], candidate["groundingMetadata"]!["webSearchQueries"]!.AsArray().Select(q => (string?)q));
        Assert.Equal("https://example.com/", (string?)candidate["groundingMetadata"]!["groundingChunks"]![0]!["web"]!["uri"]);
        Assert.DoesNotContain(candidate["content"]!["parts"]!.AsArray(), p => p!["functionCall"] is not null);
    }

    [Fact]
    public async Task A_gemini_stream_carries_the_answer_and_the_grounding_without_the_gateways_function_call()
    {
        ScriptSearchThenAnswer();

        using var response = await GeminiAsync("streamGenerateContent?alt=sse");
        var all = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chunks = all.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).ToList();
        var parts = chunks.SelectMany(c => c["candidates"]?[0]?["content"]?["parts"]?.AsArray() ?? []).ToList();
        Assert.Equal(Answer, string.Concat(parts.Select(p => (string?)p!["text"])));
        Assert.DoesNotContain(parts, p => p!["functionCall"] is not null);
        Assert.Contains(chunks, c => c["candidates"]?[0]?["groundingMetadata"]?["groundingChunks"] is JsonArray);
    }

    private void ScriptSearchThenAnswer() => Upstream.ScriptInTurn(["up-1", "up-2", "up-3"],
        FakeOpenAIUpstream.Reply.ToolCall("gateway_web_search", """{"query":"example domain"}"""), FakeOpenAIUpstream.Reply.Ok(Answer));

    private Task<HttpResponseMessage> AnthropicAsync(bool stream, JsonArray? history = null)
    {
        var body = new JsonObject
        {
            ["model"] = "fake:gpt-4o-mini", ["max_tokens"] = 50, ["stream"] = stream,
            ["messages"] = history ?? new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is example.com?" }),
            ["tools"] = new JsonArray(new JsonObject { ["type"] = "gateway_web_search", ["name"] = "web_search", ["max_results"] = 3 }),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", Secret);
        request.Headers.Add("anthropic-version", "2023-06-01");
        return Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private Task<HttpResponseMessage> GeminiAsync(string method)
    {
        const string body = """{"contents":[{"role":"user","parts":[{"text":"What is example.com?"}]}],"tools":[{"gatewayWebSearch":{"max_results":3}}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1beta/models/fake:gpt-4o-mini:{method}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-goog-api-key", Secret);
        return Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static List<JsonNode> Events(string stream) =>
        [.. stream.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!)];
}

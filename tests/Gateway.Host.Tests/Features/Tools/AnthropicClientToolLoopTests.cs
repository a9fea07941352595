using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Inference.Anthropic;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// An Anthropic client's search through the gateway's loop over every upstream kind, streamed and not. Against the
/// Anthropic upstream the request could pass through, and still runs as the loop. The client gets server_tool_use and
/// web_search_tool_result blocks (its own shapes, never the tool_use the model made), the upstream the result as its
/// own function result, and each model call and the run are recorded.
/// </summary>
public sealed class AnthropicClientToolLoopTests(PostgresFixture postgres) : EveryUpstreamToolTestBase(postgres)
{
    [Theory]
    [MemberData(nameof(EveryUpstreamStreamedAndNot))]
    public async Task A_search_the_model_calls_runs_at_the_gateway_and_the_client_gets_the_server_tool_blocks(ToolUpstream upstream, bool stream)
    {
        ScriptSearchThenAnswer(upstream);

        using var response = await WireJson.PostAsync(AnthropicClient, "/v1/messages", Request(upstream, stream));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        List<string> types = [.. upstream == ToolUpstream.Anthropic ? ["text"] : Array.Empty<string>(), "server_tool_use", "web_search_tool_result", "text"];
        JsonArray blocks;
        JsonNode usage;
        string? stopReason;
        if (stream)
        {
            var events = await AnthropicWire.EventsAsync(response);
            Assert.Single(events, e => e.Event == "message_start");
            Assert.Equal("message_stop", events[^1].Event);
            Assert.DoesNotContain(events, e => e.Event == "error");
            blocks = AnthropicWire.Blocks(events);
            var delta = events.Single(e => e.Event == "message_delta").Data;
            (usage, stopReason) = (delta["usage"]!, (string?)delta["delta"]!["stop_reason"]);
        }
        else
        {
            var message = await WireJson.JsonAsync(response);
            (blocks, usage, stopReason) = (message["content"]!.AsArray(), message["usage"]!, (string?)message["stop_reason"]);
        }

        Assert.Equal(types, blocks.Select(b => (string?)b!["type"]));
        var (call, result) = (blocks[^3]!, blocks[^2]!);
        Assert.StartsWith("srvtoolu_gw_", (string?)call["id"]);
        Assert.Equal(("web_search", "example domain"), ((string?)call["name"], (string?)call["input"]!["query"]));
        Assert.Equal((string?)call["id"], (string?)result["tool_use_id"]);
        Assert.Equal("https://example.com/", (string?)Assert.Single(result["content"]!.AsArray())!["url"]);
        Assert.Equal(Before(upstream) + Answer, string.Concat(blocks.Where(b => (string?)b!["type"] == "text").Select(b => (string?)b!["text"])));
        Assert.Equal("end_turn", stopReason);
        Assert.Equal(1, (int)usage["server_tool_use"]!["web_search_requests"]!);
        Assert.Equal(16, (int)usage["output_tokens"]!);
        AssertTheUpstreamGotTheResultAsAFunctionResult(upstream);
        await AssertEachCallAndTheRunRecordedAsync(upstream, "/v1/messages");
    }

    [Fact]
    public async Task The_official_anthropic_node_client_reads_the_server_tool_blocks_whole_and_streamed_and_echoes_them_back()
    {
        ScriptSearchThenAnswer(ToolUpstream.Anthropic);
        ScriptSearchThenAnswer(ToolUpstream.Anthropic);
        ClaudeUpstream.Script(FakeAnthropicUpstream.Reply.Text("Example.org is kept for documentation too."));

        var seen = await JsClients.SeenAsync("anthropic-tools.mjs", new Dictionary<string, string>
        {
            ["GATEWAY_URL"] = Server.Client.BaseAddress!.ToString().TrimEnd('/'), ["GATEWAY_KEY"] = Secret, ["MODEL"] = ClaudeModel,
        });

        foreach (var answer in new[] { seen["whole"]!, seen["streamed"]! })
        {
            var blocks = answer["blocks"]!.AsArray();
            Assert.Equal(["text", "server_tool_use", "web_search_tool_result", "text"], blocks.Select(b => (string?)b!["type"]));
            Assert.StartsWith("srvtoolu_gw_", (string?)blocks[1]!["id"]);
            Assert.Equal(("web_search", "example domain"), ((string?)blocks[1]!["name"], (string?)blocks[1]!["input"]!["query"]));
            Assert.Equal((string?)blocks[1]!["id"], (string?)blocks[2]!["tool_use_id"]);
            Assert.Equal(["https://example.com/"], blocks[2]!["urls"]!.AsArray().Select(u => (string?)u));
            Assert.Equal((FakeAnthropicUpstream.Preamble, Answer), ((string?)blocks[0]!["text"], (string?)blocks[3]!["text"]));
            Assert.Equal(("end_turn", 1, 16), ((string?)answer["stop"], (int)answer["searches"]!, (int)answer["output"]!));
        }

        Assert.Equal(2, (int)seen["streamed"]!["events"]!);
        Assert.Equal("Example.org is kept for documentation too.", (string?)seen["echoed"]!["blocks"]![0]!["text"]);
        // The echoed blocks reach the upstream as the tool_use and tool_result they were, never as server_tool_use.
        var messages = ClaudeUpstream.Requests.Last().Body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user", "assistant", "user"], messages.Select(m => (string?)m!["role"]));
        var call = messages[1]!["content"]!.AsArray().Single(b => (string?)b!["type"] == "tool_use")!;
        Assert.Equal((FakeAnthropicUpstream.ToolUseId, "gateway_web_search"), ((string?)call["id"], (string?)call["name"]));
        var result = Assert.Single(messages[2]!["content"]!.AsArray())!;
        Assert.Equal(("tool_result", FakeAnthropicUpstream.ToolUseId), ((string?)result["type"], (string?)result["tool_use_id"]));
        Assert.Contains("https://example.com/", result["content"]!.ToJsonString());
        Assert.DoesNotContain("server_tool_use", messages.ToJsonString());
        Assert.Equal(2, Tools.WebSearch.Calls.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_turn_calling_the_clients_tool_too_stops_with_it_after_the_search_and_the_echo_reaches_the_upstream_as_a_valid_history(bool stream)
    {
        ClaudeUpstream.Script(
            FakeAnthropicUpstream.Reply.ToolUses(("gateway_web_search", """{"query":"example domain"}"""), ("get_weather", """{"city":"Oslo"}""")),
            FakeAnthropicUpstream.Reply.Text("Sunny in Oslo, and example.com is for documentation [1]."));
        var weather = FakeAnthropicUpstream.ToolUseIdOf(1);

        using var first = await WireJson.PostAsync(AnthropicClient, "/v1/messages", Request(ToolUpstream.Anthropic, stream, clientTool: true));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        JsonArray content;
        string? stopReason;
        if (stream)
        {
            var events = await AnthropicWire.EventsAsync(first);
            (content, stopReason) = (AnthropicWire.Blocks(events), (string?)events.Single(e => e.Event == "message_delta").Data["delta"]!["stop_reason"]);
        }
        else
        {
            var message = await WireJson.JsonAsync(first);
            (content, stopReason) = (message["content"]!.AsArray(), (string?)message["stop_reason"]);
        }

        Assert.Equal("tool_use", stopReason);
        var types = content.Select(b => (string?)b!["type"]).ToList();
        Assert.Equal(["server_tool_use", "text", "tool_use", "web_search_tool_result"], types.Order(StringComparer.Ordinal));
        Assert.Equal(types.IndexOf("server_tool_use") + 1, types.IndexOf("web_search_tool_result"));
        var clientCall = content.Single(b => (string?)b!["type"] == "tool_use")!;
        Assert.Equal((weather, "get_weather", "Oslo"), ((string?)clientCall["id"], (string?)clientCall["name"], (string?)clientCall["input"]!["city"]));
        Assert.Single(Tools.WebSearch.Calls);
        Assert.Single(ClaudeUpstream.Requests);

        var history = new JsonArray(
            new JsonObject { ["role"] = "user", ["content"] = "What is example.com, and the weather in Oslo?" },
            new JsonObject { ["role"] = "assistant", ["content"] = content.DeepClone() },
            new JsonObject { ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = weather, ["content"] = "Sunny, 21 C" }) });
        using var second = await WireJson.PostAsync(AnthropicClient, "/v1/messages", Request(ToolUpstream.Anthropic, stream: false, clientTool: true, history));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var messages = ClaudeUpstream.Requests.Last().Body["messages"]!.AsArray();
        Assert.Empty(AnthropicHistoryProblems(messages));
        var uses = messages.SelectMany(m => m!["content"] as JsonArray ?? []).Where(b => (string?)b!["type"] == "tool_use").Select(b => ((string?)b!["id"], (string?)b["name"]));
        Assert.Equal([(FakeAnthropicUpstream.ToolUseId, "gateway_web_search"), (weather, "get_weather")], uses.Order());
        Assert.DoesNotContain("server_tool_use", messages.ToJsonString());
    }

    /// <summary>
    /// Where a Messages history breaks Anthropic's rules for tools: roles must alternate, a tool_result may stand only in
    /// a user turn, and the very next turn must begin with a tool_result for every tool_use.
    /// </summary>
    private static List<string> AnthropicHistoryProblems(JsonArray messages)
    {
        var problems = new List<string>();
        for (var i = 0; i < messages.Count; i++)
        {
            var role = (string?)messages[i]!["role"];
            var blocks = (messages[i]!["content"] as JsonArray ?? []).Select(b => b!).ToList();
            if (i > 0 && (string?)messages[i - 1]!["role"] == role)
                problems.Add($"messages[{i}] is a second {role} turn in a row");
            if (role == "assistant" && blocks.Any(b => (string?)b["type"] == "tool_result"))
                problems.Add($"messages[{i}] is an assistant turn holding a tool_result");
            var uses = blocks.Where(b => (string?)b["type"] == "tool_use").Select(b => (string?)b["id"]).ToList();
            var answers = i + 1 < messages.Count
                ? (messages[i + 1]!["content"] as JsonArray ?? []).Take(uses.Count).Where(b => (string?)b!["type"] == "tool_result").Select(b => (string?)b!["tool_use_id"]).ToHashSet()
                : [];
            problems.AddRange(uses.Where(id => !answers.Contains(id)).Select(id => $"messages[{i}]'s tool_use {id} is not answered at the start of the next turn"));
        }

        return problems;
    }

    private static string Request(ToolUpstream upstream, bool stream, bool clientTool = false, JsonArray? history = null)
    {
        var tools = new JsonArray(new JsonObject { ["type"] = "gateway_web_search", ["name"] = "web_search", ["max_results"] = 3 });
        if (clientTool)
            tools.Add(new JsonObject { ["name"] = "get_weather", ["input_schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["city"] = new JsonObject { ["type"] = "string" } } } });
        return new JsonObject
        {
            ["model"] = ModelOf(upstream), ["max_tokens"] = 50, ["stream"] = stream,
            ["messages"] = history ?? new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is example.com?" }),
            ["tools"] = tools,
        }.ToJsonString();
    }
}

using System.Text.Json.Nodes;
using Gateway.Host.Features.Tools;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Inference;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>The upstream kinds a tool loop runs over, each a fake speaking its own wire format.</summary>
public enum ToolUpstream
{
    OpenAI,
    Anthropic,
    Gemini,
}

/// <summary>
/// A gateway in front of one fake upstream of each kind (<see cref="EveryDialectTestBase"/>) with the web search
/// enabled (a <see cref="FakeTool"/>, $1 a call). Each upstream can be scripted to call the search as its models do
/// (OpenAI tool_calls, Anthropic tool_use, Gemini functionCall) and then answer with a text that cites the result;
/// the checks here say that the upstream was offered the search as a plain function and got its result back as its
/// own wire's function result, and that every model call and the run were recorded under the one request id.
/// </summary>
public abstract class EveryUpstreamToolTestBase(PostgresFixture postgres) : EveryDialectTestBase(postgres)
{
    public const string Answer = "Example Domain is kept for documentation [1].";
    private const string Search = "gateway_web_search";
    private const string Arguments = """{"query":"example domain"}""";

    internal FakeToolStarter Tools { get; } = new();

    public static TheoryData<ToolUpstream, bool> EveryUpstreamStreamedAndNot()
    {
        var data = new TheoryData<ToolUpstream, bool>();
        foreach (var upstream in Enum.GetValues<ToolUpstream>())
        {
            data.Add(upstream, false);
            data.Add(upstream, true);
        }

        return data;
    }

    public static TheoryData<ToolUpstream> EveryUpstream() => new(Enum.GetValues<ToolUpstream>());

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["tools:web_search:enabled"] = "true", ["tools:web_search:url"] = "http://127.0.0.1:9", ["tool_prices:gateway_web_search:per_call"] = "1",
    };

    private protected override Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Services =>
        builder => builder.Services.AddSingleton<IToolStarter>(Tools);

    internal static string ModelOf(ToolUpstream upstream) => upstream switch
    {
        ToolUpstream.OpenAI => OpenAIModel,
        ToolUpstream.Anthropic => ClaudeModel,
        ToolUpstream.Gemini => GeminiModel,
    };

    /// <summary>What the client is shown of the model's own text before its call: Claude writes a line first.</summary>
    internal static string Before(ToolUpstream upstream) => upstream == ToolUpstream.Anthropic ? FakeAnthropicUpstream.Preamble : "";

    /// <summary>The upstream's model calls the search, then answers <see cref="Answer"/> once the result is back.</summary>
    internal void ScriptSearchThenAnswer(ToolUpstream upstream)
    {
        ScriptSearch(upstream);
        switch (upstream)
        {
            case ToolUpstream.OpenAI:
                OpenAIUpstream.Script("up-1", FakeOpenAIUpstream.Reply.Ok(Answer));
                break;
            case ToolUpstream.Anthropic:
                ClaudeUpstream.Script(FakeAnthropicUpstream.Reply.Text(Answer));
                break;
            case ToolUpstream.Gemini:
                GeminiUpstream.Script(FakeGeminiUpstream.Reply.Text(Answer));
                break;
        }
    }

    /// <summary>The upstream's next call is its model calling the search.</summary>
    internal void ScriptSearch(ToolUpstream upstream)
    {
        switch (upstream)
        {
            case ToolUpstream.OpenAI:
                OpenAIUpstream.Script("up-1", FakeOpenAIUpstream.Reply.ToolCall(Search, Arguments));
                break;
            case ToolUpstream.Anthropic:
                ClaudeUpstream.Script(FakeAnthropicUpstream.Reply.ToolUse(Search, Arguments));
                break;
            case ToolUpstream.Gemini:
                GeminiUpstream.Script(FakeGeminiUpstream.Reply.FunctionCall(Search, Arguments));
                break;
        }
    }

    /// <summary>
    /// The search ran once with the model's arguments; the upstream was called twice, offered the search as a function of
    /// its own wire, and its second call carried the model's call and the search's text as that wire's function result.
    /// </summary>
    internal void AssertTheUpstreamGotTheResultAsAFunctionResult(ToolUpstream upstream)
    {
        Assert.Equal("example domain", (string?)Assert.Single(Tools.WebSearch.Calls)["query"]);
        var result = Tools.WebSearch.Answer;
        switch (upstream)
        {
            case ToolUpstream.OpenAI:
            {
                var (first, second) = Two(OpenAIUpstream.Requests.Select(r => r.Body));
                var offered = Assert.Single(first["tools"]!.AsArray())!;
                Assert.Equal(("function", Search), ((string?)offered["type"], (string?)offered["function"]!["name"]));
                var messages = second["messages"]!.AsArray();
                var call = Assert.Single(messages[1]!["tool_calls"]!.AsArray())!;
                Assert.Equal(("call_fake", Search, "example domain"), ((string?)call["id"], (string?)call["function"]!["name"], (string?)JsonNode.Parse((string)call["function"]!["arguments"]!)!["query"]));
                Assert.Equal(("tool", "call_fake", result), ((string?)messages[2]!["role"], (string?)messages[2]!["tool_call_id"], (string?)messages[2]!["content"]));
                break;
            }

            case ToolUpstream.Anthropic:
            {
                var (first, second) = Two(ClaudeUpstream.Requests.Select(r => r.Body));
                var offered = Assert.Single(first["tools"]!.AsArray())!;
                Assert.Equal((Search, null, "object"), ((string?)offered["name"], (string?)offered["type"], (string?)offered["input_schema"]!["type"]));
                var messages = second["messages"]!.AsArray();
                Assert.Equal(["user", "assistant", "user"], messages.Select(m => (string?)m!["role"]));
                var call = messages[1]!["content"]!.AsArray().Single(b => (string?)b!["type"] == "tool_use")!;
                Assert.Equal((FakeAnthropicUpstream.ToolUseId, Search, "example domain"), ((string?)call["id"], (string?)call["name"], (string?)call["input"]!["query"]));
                var answered = Assert.Single(messages[2]!["content"]!.AsArray())!;
                Assert.Equal(("tool_result", FakeAnthropicUpstream.ToolUseId), ((string?)answered["type"], (string?)answered["tool_use_id"]));
                Assert.Equal(result, TextOf(answered["content"]));
                break;
            }

            case ToolUpstream.Gemini:
            {
                var (first, second) = Two(GeminiUpstream.Requests.Select(r => r.Body));
                var tools = Assert.Single(first["tools"]!.AsArray())!.AsObject();
                Assert.Equal(["functionDeclarations"], tools.Select(t => t.Key));
                Assert.Equal(Search, (string?)Assert.Single(tools["functionDeclarations"]!.AsArray())!["name"]);
                var contents = second["contents"]!.AsArray();
                Assert.Equal(["user", "model", "user"], contents.Select(c => (string?)c!["role"]));
                var call = Assert.Single(contents[1]!["parts"]!.AsArray())!["functionCall"]!;
                Assert.Equal((Search, "example domain"), ((string?)call["name"], (string?)call["args"]!["query"]));
                var answered = Assert.Single(contents[2]!["parts"]!.AsArray())!["functionResponse"]!;
                Assert.Equal(Search, (string?)answered["name"]);
                Assert.Equal(result, (string?)answered["response"]!["content"]);
                break;
            }
        }
    }

    /// <summary>Both model calls recorded against the upstream's provider and the run as the gateway's, $1, all under one request id.</summary>
    internal async Task AssertEachCallAndTheRunRecordedAsync(ToolUpstream upstream, string endpoint)
    {
        await Server.FlushUsageAsync();
        var records = JsonNode.Parse(await Db.ScalarAsync<string>(
            "select json_agg(json_build_object('request_id', request_id, 'provider', provider, 'model', model, 'endpoint', endpoint, 'status', status, 'cost', cost) order by at, id)::text from usage_records"))!.AsArray();
        Assert.Single(records.Select(r => (string?)r!["request_id"]).Distinct());
        var (provider, model) = (ModelOf(upstream).Split(':')[0], ModelOf(upstream).Split(':')[1]);
        Assert.Equal(
            [(provider, model, endpoint, 200), (provider, model, endpoint, 200), ("gateway", Search, "tool", 200)],
            records.Select(r => ((string?)r!["provider"], (string?)r["model"], (string?)r["endpoint"], (int)r["status"]!)).OrderBy(r => r.Item1 == "gateway"));
        Assert.Equal(1m, (decimal)records.Single(r => (string?)r!["provider"] == "gateway")!["cost"]!);
    }

    private static (JsonObject First, JsonObject Second) Two(IEnumerable<JsonObject> requests)
    {
        var all = requests.ToArray();
        Assert.Equal(2, all.Length);
        return (all[0], all[1]);
    }

    /// <summary>A tool_result's content as text: a string, or the text of its text blocks.</summary>
    private static string? TextOf(JsonNode? content) =>
        content is JsonArray blocks ? string.Concat(blocks.Select(b => (string?)b!["text"])) : (string?)content;
}

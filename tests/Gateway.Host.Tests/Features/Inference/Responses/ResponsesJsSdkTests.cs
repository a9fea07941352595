using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference.Responses;

/// <summary>
/// The official Node client, <c>openai</c> (tests/js, installed by test.sh), using its Responses API unchanged against
/// the gateway (<c>tests/js/openai-responses.mjs</c>), with a chat-completions-only OpenAI-compatible upstream (the
/// answer translated) and one that serves the Responses API (passed through) behind it.
/// </summary>
public sealed class ResponsesJsSdkTests(PostgresFixture postgres) : ResponsesTestBase(postgres)
{
    public static TheoryData<string> Models => [ChatModel, NativeModel];

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Should_answer_whole_streamed_through_the_stream_helper_and_parsed_to_a_json_schema(string model)
    {
        Upstream(model).Script(KeyOf(model), FakeOpenAIUpstream.Reply.Ok(), FakeOpenAIUpstream.Reply.Ok(), FakeOpenAIUpstream.Reply.Ok(), FakeOpenAIUpstream.Reply.Ok("""{"city":"Oslo"}"""));

        var seen = await SeenAsync("text", model);

        Assert.Equal(("response", "completed", "Hello from the fake upstream"), ((string?)seen["whole"]!["object"], (string?)seen["whole"]!["status"], (string?)seen["whole"]!["text"]));
        Assert.StartsWith("resp_", (string?)seen["whole"]!["id"], StringComparison.Ordinal);
        Assert.True((int)seen["whole"]!["usage"]!["input_tokens"]! > 0 && (int)seen["whole"]!["usage"]!["output_tokens"]! > 0);
        var events = seen["events"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => (int)e!["sequence"]!));
        string[] expected =
        [
            "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
            "response.output_text.delta", "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
        ];
        Assert.Equal(expected, events.Select(e => (string)e!["type"]!).Distinct());
        Assert.Equal(("completed", "Hello from the fake upstream", "Hello from the fake upstream"), ((string?)seen["helper"]!["status"], (string?)seen["helper"]!["text"], (string?)seen["helper"]!["deltas"]));
        Assert.Equal("Oslo", (string?)seen["parsed"]!["city"]);
        var schemaRequest = Upstream(model).Requests.Last().Body;
        var schema = model == ChatModel ? schemaRequest["response_format"]!["json_schema"]!["schema"] : schemaRequest["text"]!["format"]!["schema"];
        Assert.Equal("string", (string?)schema!["properties"]!["city"]!["type"]);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Should_call_a_function_and_send_its_output_back_by_call_id(string model)
    {
        Upstream(model).Script(KeyOf(model), FakeOpenAIUpstream.Reply.ToolCall("weather", """{"city":"Oslo"}"""), FakeOpenAIUpstream.Reply.Ok("It is sunny in Oslo."));

        var seen = await SeenAsync("tools", model);

        Assert.Equal(("weather", """{"city":"Oslo"}""", "call_fake"), ((string?)seen["call"]!["name"], (string?)seen["call"]!["arguments"], (string?)seen["call"]!["callId"]));
        Assert.Equal("It is sunny in Oslo.", (string?)seen["answer"]);
        var second = Upstream(model).Requests.Last().Body;
        if (model == ChatModel)
        {
            var output = second["messages"]!.AsArray().Single(m => (string?)m!["role"] == "tool")!;
            Assert.Equal(("call_fake", "Sunny, 21 C"), ((string?)output["tool_call_id"], (string?)output["content"]));
        }
        else
        {
            var output = second["input"]!.AsArray().Single(i => (string?)i!["type"] == "function_call_output")!;
            Assert.Equal(("call_fake", "Sunny, 21 C"), ((string?)output["call_id"], (string?)output["output"]));
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Should_continue_retrieve_list_the_input_items_of_and_delete_a_stored_response(string model)
    {
        var seen = await SeenAsync("stored", model);

        var second = seen["second"]!;
        Assert.Equal("Hello from the fake upstream", (string?)second["text"]);
        // A passthrough's answer is the upstream's as it came, and the upstream got the conversation, not the id.
        Assert.Equal(model == ChatModel ? (string?)seen["first"] : null, (string?)second["previous"]);
        Assert.Equal(((string?)second["id"], "Hello from the fake upstream"), ((string?)seen["retrieved"]!["id"], (string?)seen["retrieved"]!["text"]));
        // Its own input, newest first, one item a page: the SDK follows has_more and last_id to the second page.
        Assert.Equal([("user", "What is my name?"), ("user", "Answer in one word.")], seen["items"]!.AsArray().Select(i => ((string)i!["role"]!, (string)i["text"]!)));
        Assert.All(seen["items"]!.AsArray(), i => Assert.False(string.IsNullOrEmpty((string?)i!["id"])));
        Assert.Equal(2, (int)seen["pages"]!);
        Assert.Equal((true, 404, "response_not_found"), ((bool)seen["gone"]!["apiError"]!, (int)seen["gone"]!["status"]!, (string?)seen["gone"]!["code"]));
        var continued = Upstream(model).Requests.Last().Body;
        Assert.Equal(["My name is Ada.", "Hello from the fake upstream", "Answer in one word.", "What is my name?"], SentTexts(model, continued));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Should_throw_api_errors_with_status_and_code_for_a_bad_request_a_spent_budget_and_an_unknown_response(string model)
    {
        var spentKey = await SpentBudgetKeyAsync(model);

        var seen = await SeenAsync("errors", model, ("SPENT_KEY", spentKey));

        var invalid = seen["invalid"]!;
        Assert.Equal((true, 400, "temperature"), ((bool)invalid["apiError"]!, (int)invalid["status"]!, (string?)invalid["param"]));
        Assert.Equal("invalid_request_error", (string?)invalid["type"]);
        var budget = seen["budget"]!;
        Assert.Equal((true, 402, "budget_exceeded"), ((bool)budget["apiError"]!, (int)budget["status"]!, (string?)budget["code"]));
        var unknown = seen["unknown"]!;
        Assert.Equal((true, 404, "response_not_found"), ((bool)unknown["apiError"]!, (int)unknown["status"]!, (string?)unknown["code"]));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Should_throw_an_api_error_from_a_stream_the_upstream_cuts_midway(string model)
    {
        var cut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream(model).Script(KeyOf(model), FakeOpenAIUpstream.Reply.CutStream(chunksBeforeCut: 2, cut.Task));

        // The upstream cuts once its two words have reached the SDK.
        var seen = await SeenAsync("cut", model, onLine: line => { if (line == "cut now") cut.TrySetResult(); });

        Assert.Contains("word1", (string?)seen["text"], StringComparison.Ordinal);
        var thrown = seen["thrown"]!;
        Assert.True((bool)thrown["apiError"]!, thrown.ToJsonString());
        Assert.Equal("upstream_stream_interrupted", (string?)thrown["code"]);
        Assert.DoesNotContain("response.completed", seen["events"]!.AsArray().Select(e => (string?)e));
    }

    private FakeOpenAIUpstream Upstream(string model) => model == ChatModel ? ChatUpstream : NativeUpstream;

    private static string KeyOf(string model) => model == ChatModel ? "up-chat" : "up-native";

    private Task<JsonObject> SeenAsync(string part, string model, (string Name, string Value)? more = null, Action<string>? onLine = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["GATEWAY_URL"] = Server.Client.BaseAddress!.ToString().TrimEnd('/'),
            ["GATEWAY_KEY"] = Secret,
            ["MODEL"] = model,
        };
        if (more is var (name, value))
            environment[name] = value;
        return JsClients.SeenAsync(["openai-responses.mjs", part], environment, onLine);
    }

    /// <summary>
    /// A key of a third organisation whose $20 monthly budget has $7 spent (the fakes report 7 output tokens): at $1 an
    /// output token (prompts free), a request for up to 16 has no room.
    /// </summary>
    private async Task<string> SpentBudgetKeyAsync(string model)
    {
        var org = await Admin.CreateOrganizationAsync("Spent");
        var (_, key) = await Admin.IssueKeyAsync(new { org_id = org, name = "spent" });
        await Admin.OkAsync(HttpMethod.Post, "/v1/pricing", new { model, input_per_million = 0, output_per_million = 1_000_000, cached_input_per_million = 0 }, HttpStatusCode.Created);
        await Admin.OkAsync(HttpMethod.Post, "/v1/budgets", new { name = "spent", org_id = org, limit_usd = 20m, period = "month" }, HttpStatusCode.Created);
        using var spend = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        spend.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var spent = await spend.PostAsJsonAsync("/v1/responses", new { model, input = "hi", max_output_tokens = 16 }, Ct);
        Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        await Server.FlushUsageAsync();
        return key;
    }

    /// <summary>The texts of the conversation an upstream got, in order: chat messages, or Responses input items.</summary>
    private static IEnumerable<string> SentTexts(string model, JsonObject body) =>
        model == ChatModel
            ? body["messages"]!.AsArray().Select(m => (string)m!["content"]!)
            : body["input"]!.AsArray().Select(i => i!["content"] is JsonArray parts ? string.Concat(parts.Select(p => (string?)p!["text"])) : (string)i["content"]!);
}

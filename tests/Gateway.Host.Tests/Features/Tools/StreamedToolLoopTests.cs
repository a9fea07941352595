using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Features.Tools;
using Gateway.Host.Tests.Features.Inference.Anthropic;
using Gateway.Host.Tests.Features.Inference.Gemini;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// Streamed loops for each client dialect over its own wire's upstream: the client's stream opens once the first call is
/// served, before any text (the model's call is held back) and while the tool still runs; and a budget that runs out in
/// the middle ends the open stream with the dialect's own error event.
/// </summary>
public sealed class StreamedToolLoopTests(PostgresFixture postgres) : EveryUpstreamToolTestBase(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { ["tools:max_tool_iterations"] = "1" };

    [Theory]
    [MemberData(nameof(EveryUpstream))]
    public async Task After_the_last_round_the_model_is_told_to_answer_and_a_search_it_calls_anyway_ends_the_stream_with_the_note(ToolUpstream dialect)
    {
        ScriptSearch(dialect);
        ScriptSearch(dialect);

        using var response = await StreamAsync(dialect, ModelOf(dialect));
        var all = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Tools.WebSearch.Calls);
        var note = ToolLoop.CapNote(1);
        var events = all.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).ToList();
        switch (dialect)
        {
            case ToolUpstream.OpenAI:
                Assert.Equal("none", (string?)OpenAIUpstream.Requests.Last().Body["tool_choice"]);
                Assert.EndsWith(note, string.Concat(events.Select(e => (string?)e["choices"]?[0]?["delta"]?["content"])));
                Assert.Equal(["stop"], events.Select(e => (string?)e["choices"]?[0]?["finish_reason"]).OfType<string>());
                break;
            case ToolUpstream.Anthropic:
                Assert.Equal("none", (string?)ClaudeUpstream.Requests.Last().Body["tool_choice"]!["type"]);
                var blocks = AnthropicWire.Blocks(AnthropicWire.Events(all));
                Assert.EndsWith(note, string.Concat(blocks.Select(b => (string?)b!["text"])));
                Assert.Equal("end_turn", (string?)events.Single(e => (string?)e["type"] == "message_delta")["delta"]!["stop_reason"]);
                break;
            case ToolUpstream.Gemini:
                Assert.Equal("NONE", (string?)GeminiUpstream.Requests.Last().Body["toolConfig"]!["functionCallingConfig"]!["mode"]);
                Assert.EndsWith(note, GeminiWire.Text(events.Select(e => e.AsObject())));
                Assert.Equal("STOP", (string?)events[^1]["candidates"]![0]!["finishReason"]);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(EveryUpstream))]
    public async Task The_stream_opens_when_the_first_call_is_served_and_stays_open_while_the_tool_runs(ToolUpstream dialect)
    {
        ScriptSearchThenAnswer(dialect);
        Tools.WebSearch.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        using var response = await StreamAsync(dialect, ModelOf(dialect)).WaitAsync(Eventually.DefaultWithin, TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.OK, "text/event-stream"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        await Tools.WebSearch.Running.Task.WaitAsync(Eventually.DefaultWithin, TestContext.Current.CancellationToken);
        Tools.WebSearch.Hold.SetResult();
        Assert.Contains("documentation", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// The first call is served and charged, the search its model then calls finds no room, and the open stream ends with
    /// the dialect's error event naming the budget; the search never ran. Every completion token costs $1 (the scripted
    /// call reports 9), a search $1, the budget $9.5.
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryUpstream))]
    public async Task A_budget_with_no_room_for_the_search_ends_the_open_stream_with_the_dialects_error_after_charging_the_first_call(ToolUpstream dialect)
    {
        var model = ModelOf(dialect);
        await Admin.OkAsync(HttpMethod.Post, "/v1/pricing", new { model, input_per_million = 0, output_per_million = 1_000_000, cached_input_per_million = 0 }, HttpStatusCode.Created);
        var budget = (string)(await Admin.OkAsync(HttpMethod.Post, "/v1/budgets", new { name = "team", org_id = OrgId, limit_usd = 9.5, period = "month" }, HttpStatusCode.Created))["id"]!;
        ScriptSearchThenAnswer(dialect);

        using var response = await StreamAsync(dialect, model);
        var all = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var error = ErrorOf(dialect, all);
        Assert.Contains("before the gateway_web_search call", (string?)error["message"]);
        Assert.Empty(Tools.WebSearch.Calls);
        await Server.FlushUsageAsync();
        using var spent = await Admin.SendAsync(HttpMethod.Get, $"/v1/budgets?org_id={OrgId}");
        var budgets = (await spent.Content.ReadFromJsonAsync<JsonArray>(TestContext.Current.CancellationToken))!;
        Assert.Equal(9m, (decimal)budgets.Single(b => (string?)b!["id"] == budget)!["spent_usd"]!);
        Assert.Equal(1L, await Db.ScalarAsync<long>($"select count(*) from usage_records where provider = '{model.Split(':')[0]}' and status = 200"));
    }

    /// <summary>Asks for a search in a stream; returns once the response's headers are in.</summary>
    private Task<HttpResponseMessage> StreamAsync(ToolUpstream dialect, string model)
    {
        var (client, path, body) = dialect switch
        {
            ToolUpstream.OpenAI => (OpenAIClient, "/v1/chat/completions", $$"""
                {"model":"{{model}}","max_tokens":7,"stream":true,"messages":[{"role":"user","content":"What is example.com?"}],"tools":[{"type":"gateway_web_search"}]}
                """),
            ToolUpstream.Anthropic => (AnthropicClient, "/v1/messages", $$"""
                {"model":"{{model}}","max_tokens":7,"stream":true,"messages":[{"role":"user","content":"What is example.com?"}],"tools":[{"type":"gateway_web_search","name":"web_search"}]}
                """),
            ToolUpstream.Gemini => (GeminiClient, $"/v1beta/models/{model}:streamGenerateContent?alt=sse",
                """{"contents":[{"role":"user","parts":[{"text":"What is example.com?"}]}],"generationConfig":{"maxOutputTokens":7},"tools":[{"gatewayWebSearch":{}}]}"""),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }

    /// <summary>The stream's last event, which must be the dialect's error: its error object.</summary>
    private static JsonNode ErrorOf(ToolUpstream dialect, string stream)
    {
        var events = stream.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).ToList();
        var last = events[^1];
        switch (dialect)
        {
            case ToolUpstream.Anthropic:
                Assert.Equal("error", (string?)last["type"]);
                Assert.Contains("event: error", stream);
                break;
            case ToolUpstream.Gemini:
                Assert.Equal(402, (int)last["error"]!["code"]!);
                break;
            case ToolUpstream.OpenAI:
                Assert.Equal("budget_exceeded", (string?)last["error"]!["code"]);
                break;
        }

        return last["error"]!;
    }
}

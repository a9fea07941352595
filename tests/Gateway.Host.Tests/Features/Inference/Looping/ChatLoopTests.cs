using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Host.Features.Inference.Looping;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Budgets;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Features.Inference.Looping;

/// <summary>
/// A request that runs as a loop (<see cref="AskAgainLoop"/>) calls the model more than once: every call is admitted to
/// the budget before it is sent, charged and recorded as its own, and the client gets one answer, or one stream kept
/// open across the calls with keep-alives while the loop waits. Each call costs $7 (see <see cref="BudgetTestBase"/>).
/// </summary>
public sealed class ChatLoopTests(PostgresFixture postgres) : BudgetTestBase(postgres)
{
    private const string Text = "Hello from the fake upstream";
    private readonly AskAgainLoop _loop = new();
    private readonly ObservedClock _clock = new();

    protected override TimeProvider? Clock => _clock;

    private protected override Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Services =>
        builder => builder.Services.AddSingleton<IChatLoopSource>(_loop);

    [Fact]
    public async Task A_loop_calls_the_model_again_and_the_client_gets_one_answer_with_every_calls_parts_and_usage()
    {
        await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 100, period = "month" });

        using var response = await PostAsync(SevenDollarRequest);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(Text + AskAgainLoop.Between + Text, (string?)answer["choices"]![0]!["message"]!["content"]);
        Assert.Equal("stop", (string?)answer["choices"]![0]!["finish_reason"]);
        Assert.Equal(14, (int)answer["usage"]!["completion_tokens"]!);
        var second = Upstream.Requests.ToArray()[1].Body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], second.Select(m => (string)m!["role"]!));
        Assert.Equal(Text, (string?)second[1]!["content"]);
        Assert.Equal("again", (string?)second[2]!["content"]);
        await AssertTwoCallsChargedAndRecordedAsync();
        Assert.Equal(1, _loop.Disposed);
    }

    [Fact]
    public async Task A_streamed_loop_keeps_one_stream_open_across_the_calls_with_keep_alives_while_it_waits()
    {
        await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 100, period = "month" });
        _loop.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.Reports = new FakeOpenAIUpstream.Usage(Prompt: 3, Completion: 7, Cached: 0);

        using var response = await PostAsync(StreamedRequest(), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        // The first call's last word; its finish is the run's, held until the loop stops.
        var beforeWait = await StreamedText.ReadUntilAsync(body, "upstream");
        await _clock.WhenArmedAsync(KeepAlive.Interval);
        _clock.Advance(KeepAlive.Interval);
        var duringWait = await StreamedText.ReadUntilAsync(body, ": keep-alive");
        _loop.Gate.SetResult();
        var all = beforeWait + duringWait + await new StreamReader(body).ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chunks = Chunks(all);
        Assert.Equal(Text + AskAgainLoop.Between + Text, Content(all));
        Assert.Single(chunks, c => (string?)Choice(c)?["delta"]?["role"] == "assistant");
        Assert.Equal(["stop"], chunks.Select(c => (string?)Choice(c)?["finish_reason"]).OfType<string>());
        Assert.Equal(14, (int)chunks.Single(c => c["usage"] is JsonObject)["usage"]!["completion_tokens"]!);
        Assert.Single(Regex.Matches(all, @"data: \[DONE\]"));
        Assert.True(all.IndexOf(": keep-alive", StringComparison.Ordinal) < all.IndexOf(AskAgainLoop.Between, StringComparison.Ordinal), all);
        await AssertTwoCallsChargedAndRecordedAsync();
    }

    [Fact]
    public async Task A_budget_that_cannot_hold_the_next_call_ends_the_stream_with_the_dialects_error_and_keeps_the_first_call_charged()
    {
        var budget = await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 10, period = "month" });
        Upstream.Reports = new FakeOpenAIUpstream.Usage(Prompt: 3, Completion: 7, Cached: 0);

        using var response = await PostAsync(StreamedRequest());
        var all = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Text + AskAgainLoop.Between, Content(all));
        var error = Chunks(all).Single(c => c["error"] is JsonObject)["error"]!;
        Assert.Contains("has no room for this request", (string?)error["message"]);
        Assert.Contains("before model call 2 of this request", (string?)error["message"]);
        Assert.Single(Upstream.Requests);
        await Server.FlushUsageAsync();
        Assert.Equal(1L, await Db.ScalarAsync<long>("select count(*) from usage_records"));
        Assert.Equal(7m, await SpentAsync(budget));
    }

    [Fact]
    public async Task A_budget_that_cannot_hold_the_next_call_refuses_a_whole_answer_with_402()
    {
        var budget = await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 10, period = "month" });

        using var response = await PostAsync(SevenDollarRequest);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Contains("before model call 2 of this request", (string?)error["message"]);
        Assert.Single(Upstream.Requests);
        await Server.FlushUsageAsync();
        Assert.Equal(7m, await SpentAsync(budget));
    }

    [Fact]
    public async Task A_tool_call_the_loop_answers_is_held_from_the_client_and_its_result_goes_to_the_next_call()
    {
        Upstream.Script("up-1", FakeOpenAIUpstream.Reply.ToolCall("lookup", """{"q":"x"}"""));

        using var response = await PostAsync(StreamedRequest());
        var all = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        var chunks = Chunks(all);
        Assert.DoesNotContain(chunks, c => Choice(c)?["delta"]?["tool_calls"] is not null);
        Assert.Equal("(looked up)" + Text, Content(all));
        Assert.Equal(["stop"], chunks.Select(c => (string?)Choice(c)?["finish_reason"]).OfType<string>());
        var second = Upstream.Requests.ToArray()[1].Body["messages"]!.AsArray();
        Assert.Equal("lookup", (string?)second[1]!["tool_calls"]![0]!["function"]!["name"]);
        Assert.Equal("""{"q":"x"}""", (string?)second[1]!["tool_calls"]![0]!["function"]!["arguments"]);
        Assert.Equal("tool", (string?)second[2]!["role"]);
        Assert.Equal("42", (string?)second[2]!["content"]);
    }

    [Fact]
    public async Task An_anthropic_stream_through_a_loop_has_one_message_start_and_one_message_stop()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent("""{"model":"fake:gpt-4o-mini","max_tokens":7,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", Secret);
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var all = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Regex.Matches(all, "event: message_start"));
        Assert.Single(Regex.Matches(all, "event: message_stop"));
        Assert.DoesNotContain("event: error", all);
        Assert.Equal(Text + AskAgainLoop.Between + Text, string.Concat(Regex.Matches(all, @"""text_delta"",""text"":""([^""]*)""").Select(m => m.Groups[1].Value)));
        Assert.Equal(2, Upstream.Requests.Count);
    }

    private static string StreamedRequest() =>
        """{"model":"fake:gpt-4o-mini","max_tokens":7,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";

    private Task<HttpResponseMessage> PostAsync(string body, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead) =>
        Http.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") },
            completion, TestContext.Current.CancellationToken);

    /// <summary>The text the stream's chunks carry, joined.</summary>
    private static string Content(string stream) => string.Concat(Chunks(stream).Select(c => (string?)Choice(c)?["delta"]?["content"]));

    /// <summary>A chunk's choice; none for the usage chunk and the error chunk.</summary>
    private static JsonNode? Choice(JsonObject chunk) => chunk["choices"] is JsonArray { Count: > 0 } choices ? choices[0] : null;

    private static List<JsonObject> Chunks(string stream) =>
        [.. stream.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!.AsObject())];

    private async Task<decimal> SpentAsync(string budget)
    {
        var budgets = JsonNode.Parse(await (await Admin.SendAsync(HttpMethod.Get, $"/v1/budgets?org_id={OrgId}")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();
        return (decimal)budgets.Single(b => (string?)b!["id"] == budget)!["spent_usd"]!;
    }

    /// <summary>Both calls were recorded apart, under the client request's one id, and the budget charged for each.</summary>
    private async Task AssertTwoCallsChargedAndRecordedAsync()
    {
        await Server.FlushUsageAsync();
        Assert.Equal(2L, await Db.ScalarAsync<long>("select count(*) from usage_records where completion_tokens = 7"));
        Assert.Equal(1L, await Db.ScalarAsync<long>("select count(distinct request_id) from usage_records"));
        var budgets = JsonNode.Parse(await (await Admin.SendAsync(HttpMethod.Get, $"/v1/budgets?org_id={OrgId}")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();
        Assert.Equal(14m, (decimal)budgets[0]!["spent_usd"]!);
        Assert.Equal(2, (int)budgets[0]!["spent_requests"]!);
        Assert.Equal(2, _loop.Answers.Count);
    }
}

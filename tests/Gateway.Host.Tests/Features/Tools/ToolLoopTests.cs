using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Inference.Looping;
using Gateway.Host.Features.Tools;
using Gateway.Host.Tests.Features.Budgets;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// The tool loop on canonical requests built here, against the real budgets and usage log: what the model is offered,
/// what runs, what the next call and the client get, the iteration cap, and what every run is charged and recorded as.
/// Web search costs $1 a call (see <see cref="MoreConfig"/>).
/// </summary>
public sealed class ToolLoopTests(PostgresFixture postgres) : BudgetTestBase(postgres)
{
    private const string Search = "gateway_web_search";
    private readonly FakeToolStarter _tools = new();

    private protected override IEnumerable<KeyValuePair<string, string?>> MoreConfig =>
    [
        .. base.MoreConfig, new("tools:web_search:enabled", "true"), new("tools:web_search:url", "http://127.0.0.1:9"),
        new("tool_prices:gateway_web_search:per_call", "1"),
    ];

    private protected override Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Services =>
        builder => builder.Services.AddSingleton<IToolStarter>(_tools);

    private static readonly ChatRequest Asked = new(
        "fake:gpt-4o-mini", null, [new ChatMessage(ChatRole.User, [new TextPart("What is example.com?")])], 7, null, null, [], [], null, null, null, null, null, false);

    private static readonly ChatTool ClientTool = new("get_weather", null, """{"type":"object"}""");

    [Fact]
    public async Task The_model_is_offered_each_requested_tool_as_a_function_after_the_clients_own()
    {
        await using var loop = Loop();

        var first = loop.Begin(Asked with { Tools = [ClientTool] });

        Assert.Equal(["get_weather", Search], first.Tools.Select(t => t.Name));
        Assert.Equal("object", (string?)JsonNode.Parse(first.Tools[1].ParametersJson)!["type"]);
        Assert.True(loop.Holds(Search));
        Assert.False(loop.Holds("get_weather"));
    }

    [Fact]
    public async Task A_call_of_a_tool_runs_its_result_goes_to_the_next_call_and_the_client_is_shown_both()
    {
        await using var loop = Loop();
        var sent = loop.Begin(Asked);

        var step = await loop.NextAsync(sent, Answer(new TextPart("Let me look."), Call("call_1", """{"query":"example.com"}""")), 1, TestContext.Current.CancellationToken);

        var again = Assert.IsType<LoopStep.Continue>(step);
        Assert.Equal("example.com", (string?)Assert.Single(_tools.WebSearch.Calls)["query"]);
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool], again.Next.Messages.Select(m => m.Role));
        Assert.Equal("call_1", Assert.IsType<ToolCallPart>(again.Next.Messages[1].Parts[1]).Id);
        var result = Assert.IsType<ToolResultPart>(Assert.Single(again.Next.Messages[2].Parts));
        Assert.Equal(("call_1", _tools.WebSearch.Answer), (result.ToolCallId, result.Content));
        var shownCall = Assert.IsType<ServerToolCallPart>(step.Shown[0]);
        Assert.Equal(("call_1", GatewayToolKind.WebSearch, "web_search"), (shownCall.Id, shownCall.Kind, shownCall.Name));
        var shownResult = Assert.IsType<ServerToolResultPart>(step.Shown[1]);
        Assert.Equal("example.com", Assert.IsType<WebSearchOutcome>(shownResult.Outcome).Query);
    }

    [Fact]
    public async Task Every_run_is_charged_to_the_budgets_and_recorded_as_a_usage_record_of_its_own()
    {
        var budget = await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 100, period = "month" });
        await using var loop = Loop();

        await loop.NextAsync(loop.Begin(Asked), Answer(Call("call_1", """{"query":"a"}"""), Call("call_2", """{"query":"b"}""")), 1, TestContext.Current.CancellationToken);

        var record = await LastUsageRecordAsync();
        Assert.Equal(("gateway", Search, "tool", "req-1", 200), ((string?)record!["provider"], (string?)record["model"], (string?)record["endpoint"], (string?)record["request_id"], (int)record["status"]!));
        Assert.Equal(1m, (decimal)record["cost"]!);
        Assert.Equal(2L, await Db.ScalarAsync<long>("select count(*) from usage_records where endpoint = 'tool'"));
        Assert.Equal(2m, await SpentUsdAsync(budget));
    }

    [Fact]
    public async Task A_run_that_failed_is_recorded_and_not_billed()
    {
        var budget = await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 100, period = "month" });
        _tools.WebSearch.Fails = true;
        await using var loop = Loop();

        var step = await loop.NextAsync(loop.Begin(Asked), Answer(Call("call_1", """{"query":"a"}""")), 1, TestContext.Current.CancellationToken);

        var again = Assert.IsType<LoopStep.Continue>(step);
        Assert.Equal("the backend answered 500", Assert.IsType<ToolResultPart>(again.Next.Messages[2].Parts[0]).Content);
        Assert.Null(Assert.IsType<ServerToolResultPart>(step.Shown[1]).Outcome);
        var record = await LastUsageRecordAsync();
        Assert.Equal((502, 0m), ((int)record!["status"]!, (decimal)record["cost"]!));
        Assert.Equal(0m, await SpentUsdAsync(budget));
    }

    [Fact]
    public async Task Arguments_that_are_not_a_json_object_are_answered_without_running_the_tool()
    {
        await using var loop = Loop();

        var step = await loop.NextAsync(loop.Begin(Asked), Answer(Call("call_1", "[1,2")), 1, TestContext.Current.CancellationToken);

        Assert.Empty(_tools.WebSearch.Calls);
        Assert.StartsWith("the arguments of gateway_web_search must be a JSON object", Assert.IsType<LoopStep.Continue>(step).Next.Messages[2].Parts.OfType<ToolResultPart>().Single().Content);
        Assert.Equal(400, (int)(await LastUsageRecordAsync())!["status"]!);
    }

    [Fact]
    public async Task A_turn_with_the_clients_own_calls_runs_the_gateways_and_stops_with_the_clients()
    {
        await using var loop = Loop();

        var step = await loop.NextAsync(loop.Begin(Asked with { Tools = [ClientTool] }), Answer(Call("call_1", """{"query":"a"}"""), new ToolCallPart("call_2", "get_weather", "{}")), 1,
            TestContext.Current.CancellationToken);

        var stop = Assert.IsType<LoopStep.Stop>(step);
        Assert.Equal(FinishReason.ToolCalls, stop.Finish);
        Assert.Single(_tools.WebSearch.Calls);
        Assert.Equal([typeof(ServerToolCallPart), typeof(ServerToolResultPart)], stop.Shown.Select(p => p.GetType()));
    }

    [Fact]
    public async Task An_answer_without_a_tool_call_ends_the_loop_with_the_models_own_finish()
    {
        await using var loop = Loop();

        var stop = Assert.IsType<LoopStep.Stop>(await loop.NextAsync(loop.Begin(Asked), Answer(new TextPart("Done.")), 1, TestContext.Current.CancellationToken));

        Assert.Null(stop.Finish);
        Assert.Empty(stop.Shown);
    }

    [Fact]
    public async Task After_the_last_round_the_model_must_answer_and_a_call_made_anyway_ends_the_answer_with_a_note_without_running()
    {
        await using var loop = Loop(maxIterations: 2);
        var sent = loop.Begin(Asked);
        for (var round = 1; round <= 2; round++)
        {
            var again = Assert.IsType<LoopStep.Continue>(await loop.NextAsync(sent, Answer(Call($"call_{round}", """{"query":"a"}""")), round, TestContext.Current.CancellationToken));
            Assert.Equal(round == 2 ? ToolChoiceKind.None : null, again.Next.ToolChoice?.Kind);
            sent = again.Next;
        }

        var stop = Assert.IsType<LoopStep.Stop>(await loop.NextAsync(sent, Answer(Call("call_3", """{"query":"a"}""")), 3, TestContext.Current.CancellationToken));

        Assert.Equal(2, _tools.WebSearch.Calls.Count);
        Assert.Equal(FinishReason.Stop, stop.Finish);
        Assert.Equal(ToolLoop.CapNote(2), Assert.IsType<TextPart>(Assert.Single(stop.Shown)).Text);
    }

    [Fact]
    public async Task At_the_cap_with_the_clients_own_functions_they_stay_offered_and_a_client_call_is_never_dropped()
    {
        await using var loop = Loop(maxIterations: 1);
        var sent = loop.Begin(Asked with { Tools = [ClientTool] });
        var again = Assert.IsType<LoopStep.Continue>(await loop.NextAsync(sent, Answer(Call("call_1", """{"query":"a"}""")), 1, TestContext.Current.CancellationToken));
        Assert.Null(again.Next.ToolChoice);

        var stop = Assert.IsType<LoopStep.Stop>(await loop.NextAsync(again.Next, Answer(Call("call_2", "{}"), new ToolCallPart("call_3", "get_weather", "{}")), 2,
            TestContext.Current.CancellationToken));

        Assert.Equal(FinishReason.ToolCalls, stop.Finish);
        Assert.Single(_tools.WebSearch.Calls);
    }

    [Fact]
    public async Task A_budget_without_room_for_a_run_refuses_it_before_it_runs()
    {
        await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 0.5, period = "month" });
        await using var loop = Loop();

        var step = await loop.NextAsync(loop.Begin(Asked), Answer(Call("call_1", """{"query":"a"}""")), 1, TestContext.Current.CancellationToken);

        var refused = Assert.IsType<LoopStep.Refused>(step);
        Assert.Equal((402, "budget_exceeded"), (refused.Refusal.Status, refused.Refusal.Code));
        Assert.Contains("before the gateway_web_search call call_1", refused.Refusal.Message);
        Assert.Empty(_tools.WebSearch.Calls);
    }

    [Fact]
    public async Task Disposing_the_loop_closes_every_session()
    {
        var loop = Loop();

        await loop.DisposeAsync();

        Assert.Equal(1, _tools.WebSearch.Closed);
    }

    private ToolLoop Loop(int maxIterations = 10)
    {
        var tool = _tools.WebSearch;
        var uses = new ToolLoop.Tool(new GatewayToolUse(GatewayToolKind.WebSearch, null, []), tool, tool.OpenSession(null), new ToolPrice(1m, 0m), TimeSpan.FromSeconds(30));
        var caller = new ToolCaller(new Principal(PrincipalKind.Member, OrgId, null, null), "req-1", "openai", false);
        return new ToolLoop([uses], Server.Services.GetRequiredService<ToolRunLedger>(), caller, maxIterations);
    }

    private static ChatResponse Answer(params ChatPart[] parts) =>
        new("resp-1", "gpt-4o-mini", parts, parts.OfType<ToolCallPart>().Any() ? FinishReason.ToolCalls : FinishReason.Stop, new ChatUsage(3, 7, 0));

    private static ToolCallPart Call(string id, string arguments) => new(id, Search, arguments);
}

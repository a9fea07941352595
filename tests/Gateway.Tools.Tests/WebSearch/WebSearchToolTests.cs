using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Tools.WebSearch;

namespace Gateway.Tools.Tests.WebSearch;

public sealed class WebSearchToolTests
{
    [Fact]
    public async Task A_search_is_billed_one_call_and_the_model_reads_each_result_numbered_with_title_url_date_and_page()
    {
        await using var world = await SearchWorld.StartAsync();
        var notes = world.Page("blog.example", "/notes.txt");
        var pdf = world.Page("blog.example", "/report.pdf");
        world.Backend.Answers = [new("Tide tables", notes, "High water.", "2025-05-02T00:00:00Z"), new("Report", pdf, "The report.")];

        var run = await SearchWorld.SearchAsync(world.Tool(), "tide tables");

        Assert.Equal(ToolRunStatus.Succeeded, run.Status);
        Assert.Equal(1, run.Billable.Calls);
        Assert.Equal(
            $"""
            Web search for "tide tables": 2 results.

            [1] Tide tables
            URL: {notes}
            Published: 2025-05-02

            Tide tables

            High water 06:12, low water 12:30.

            [2] Report
            URL: {pdf}
            Page not read: application/pdf is not HTML or text
            Snippet: The report.
            """, run.Text);
    }

    [Fact]
    public async Task The_billed_duration_is_the_time_the_search_took_on_the_clock()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [new("Slow", world.Page("blog.example", "/slow"), "")];
        var tool = world.Tool(world.Options() with { FetchTimeoutSeconds = 4 });

        var running = SearchWorld.SearchAsync(tool, "slow");
        await world.Web.SlowAsked.Task.WaitAsync(TestContext.Current.CancellationToken);
        world.Time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(ToolUsage.OneCall(TimeSpan.FromSeconds(4)), (await running).Billable);
    }

    [Fact]
    public async Task A_search_with_no_results_succeeds_and_is_billed()
    {
        await using var world = await SearchWorld.StartAsync();

        var run = await SearchWorld.SearchAsync(world.Tool(), "nothing at all");

        Assert.Equal(("Web search for \"nothing at all\": no results.", 1), (run.Text, run.Billable.Calls));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"query": ""}""")]
    [InlineData("""{"query": "   "}""")]
    [InlineData("""{"query": 42}""")]
    [InlineData("""{"q": "tides"}""")]
    public async Task A_call_without_a_usable_query_is_invalid_unbilled_and_asks_the_backend_nothing(string arguments)
    {
        await using var world = await SearchWorld.StartAsync();
        await using var session = world.Tool().OpenSession(null);

        var run = await session.RunAsync(JsonNode.Parse(arguments)!.AsObject(), TestContext.Current.CancellationToken);

        Assert.Equal(ToolRunStatus.InvalidArguments, run.Status);
        Assert.Equal("query is required: a string of 1 to 400 characters saying what to search for", run.Text);
        Assert.Equal(ToolUsage.None, run.Billable);
        Assert.Empty(world.Backend.Requests);
    }

    [Fact]
    public async Task A_query_longer_than_the_cap_is_invalid()
    {
        await using var world = await SearchWorld.StartAsync();

        var run = await SearchWorld.SearchAsync(world.Tool(), new string('q', WebSearchTool.QueryCap + 1));

        Assert.Equal(ToolRunStatus.InvalidArguments, run.Status);
        Assert.Empty(world.Backend.Requests);
    }

    [Fact]
    public async Task Several_calls_of_one_session_each_search()
    {
        await using var world = await SearchWorld.StartAsync();
        await using var session = world.Tool().OpenSession(new JsonObject { ["max_results"] = 1 });

        await session.RunAsync(new JsonObject { ["query"] = "first" }, TestContext.Current.CancellationToken);
        await session.RunAsync(new JsonObject { ["query"] = "second" }, TestContext.Current.CancellationToken);

        Assert.Equal(["first", "second"], world.Backend.Requests.Select(r => r.Query["q"]));
    }

    [Fact]
    public async Task The_api_key_appears_in_no_result_text_or_structured_result()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [new("Notes", world.Page("blog.example", "/notes.txt"), "notes")];

        var run = await SearchWorld.SearchAsync(world.Tool(world.Options("brave")), "tides");

        Assert.DoesNotContain("key-for-brave", run.Text, StringComparison.Ordinal);
        var structured = JsonSerializer.Serialize(Assert.IsType<WebSearchResult>(run.Result));
        Assert.Contains("High water 06:12", structured, StringComparison.Ordinal);
        Assert.DoesNotContain("key-for-brave", structured, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tool_offers_one_required_query_string_to_the_model()
    {
        await using var world = await SearchWorld.StartAsync();
        var tool = world.Tool();

        Assert.Equal("gateway_web_search", tool.Name);
        Assert.Equal(ToolAvailability.Available, tool.Availability);
        Assert.Equal(
            """{"type":"object","properties":{"query":{"type":"string","description":"What to search for, as one would type it into a search engine.","maxLength":400}},"required":["query"],"additionalProperties":false}""",
            tool.ParametersSchema.ToJsonString());
        Assert.NotSame(tool.ParametersSchema, tool.ParametersSchema);
    }

    [Fact]
    public async Task A_misconfigured_tool_is_unavailable_with_the_reason_and_its_runs_fail_unbilled_asking_nothing()
    {
        await using var world = await SearchWorld.StartAsync();
        var tool = world.Tool(world.Options("brave") with { ApiKey = null, MaxResults = 50 });

        await using var session = tool.OpenSession(null);
        var run = await session.RunAsync(new JsonObject { ["query"] = "tides" }, TestContext.Current.CancellationToken);

        const string reason = "tools.web_search is misconfigured: tools.web_search.api_key is required for brave (its X-Subscription-Token); tools.web_search.max_results must be 1 to 20, not 50";
        Assert.Equal(ToolAvailability.Unavailable(reason), tool.Availability);
        Assert.Equal((ToolRunStatus.Failed, $"web search is unavailable: {reason}", 0), (run.Status, run.Text, run.Billable.Calls));
        Assert.Empty(world.Backend.Requests);
    }
}

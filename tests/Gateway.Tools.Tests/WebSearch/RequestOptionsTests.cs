using System.Text.Json.Nodes;
using Gateway.Tools.Tests.Fakes;

namespace Gateway.Tools.Tests.WebSearch;

/// <summary>The options of a request's tool entry: bounded by the operator's, and a malformed one refused naming it, before any search.</summary>
public sealed class RequestOptionsTests
{
    [Fact]
    public async Task Max_results_below_the_operators_is_honoured()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = Many(world, 6);

        var search = await SearchWorld.ResultsAsync(world.Tool(world.Options() with { MaxResults = 5 }), "tides", new() { ["max_results"] = 2 });

        Assert.Equal(2, search.Results.Count);
    }

    [Fact]
    public async Task Max_results_above_the_operators_is_lowered_to_it()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = Many(world, 6);

        var search = await SearchWorld.ResultsAsync(world.Tool(world.Options("brave") with { MaxResults = 3 }), "tides", new() { ["max_results"] = 20 });

        Assert.Equal(3, search.Results.Count);
        Assert.Equal("3", Assert.Single(world.Backend.Requests).Query["count"]);
    }

    [Fact]
    public async Task Options_set_to_null_are_as_if_absent()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = Many(world, 6);

        var search = await SearchWorld.ResultsAsync(world.Tool(world.Options() with { MaxResults = 4 }), "tides", new() { ["max_results"] = null, ["allowed_domains"] = null });

        Assert.Equal(4, search.Results.Count);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("2.5")]
    [InlineData("\"3\"")]
    [InlineData("[3]")]
    public async Task A_max_results_that_is_not_a_positive_integer_is_refused_naming_it(string json)
    {
        await using var world = await SearchWorld.StartAsync();
        var tool = world.Tool();

        var error = Assert.Throws<ToolOptionsException>(() => tool.OpenSession(new JsonObject { ["max_results"] = JsonNode.Parse(json) }));

        Assert.Equal(("max_results", "must be a positive integer"), (error.Option, error.Problem));
    }

    [Theory]
    [InlineData("allowed_domains")]
    [InlineData("blocked_domains")]
    public async Task A_domain_option_that_is_not_a_list_is_refused_naming_it(string option)
    {
        await using var world = await SearchWorld.StartAsync();
        var tool = world.Tool();

        var error = Assert.Throws<ToolOptionsException>(() => tool.OpenSession(new JsonObject { [option] = "example.com" }));

        Assert.Equal((option, "must be a list of domain names, e.g. [\"example.com\"]"), (error.Option, error.Problem));
    }

    [Fact]
    public async Task A_bad_entry_in_a_domain_list_is_refused_naming_its_place()
    {
        await using var world = await SearchWorld.StartAsync();
        var tool = world.Tool();

        var notDomain = Assert.Throws<ToolOptionsException>(() => tool.OpenSession(new JsonObject { ["allowed_domains"] = new JsonArray("example.com", "https://docs.example/x") }));
        var notString = Assert.Throws<ToolOptionsException>(() => tool.OpenSession(new JsonObject { ["blocked_domains"] = new JsonArray(JsonValue.Create(7)) }));

        Assert.Equal(("allowed_domains[1]", "'https://docs.example/x' must be a domain name such as example.com, without scheme, port or path"), (notDomain.Option, notDomain.Problem));
        Assert.Equal(("blocked_domains[0]", "must be a domain name in a string"), (notString.Option, notString.Problem));
    }

    [Fact]
    public async Task A_domain_list_longer_than_the_cap_is_refused()
    {
        await using var world = await SearchWorld.StartAsync();
        var domains = new JsonArray([.. Enumerable.Range(0, 101).Select(i => JsonValue.Create($"d{i}.example"))]);

        var error = Assert.Throws<ToolOptionsException>(() => world.Tool().OpenSession(new JsonObject { ["blocked_domains"] = domains }));

        Assert.Equal(("blocked_domains", "may hold at most 100 domains"), (error.Option, error.Problem));
    }

    [Fact]
    public async Task Keys_that_belong_to_the_caller_are_left_alone()
    {
        await using var world = await SearchWorld.StartAsync();

        var run = await SearchWorld.SearchAsync(world.Tool(), "tides", new() { ["type"] = "gateway_web_search", ["name"] = "web_search", ["max_uses"] = 3 });

        Assert.True(run.Succeeded, run.Text);
    }

    private static List<FakeResult> Many(SearchWorld world, int count) =>
        [.. Enumerable.Range(1, count).Select(i => new FakeResult($"Result {i}", world.Page("blog.example", $"/notes.txt?{i}"), ""))];
}

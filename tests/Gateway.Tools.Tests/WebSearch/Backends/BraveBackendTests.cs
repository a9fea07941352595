using System.Text.Json.Nodes;
using Gateway.Tools.WebSearch;

namespace Gateway.Tools.Tests.WebSearch.Backends;

public sealed class BraveBackendTests
{
    [Fact]
    public async Task Asks_web_search_with_query_count_and_the_subscription_token()
    {
        await using var world = await SearchWorld.StartAsync();

        await SearchWorld.ResultsAsync(world.Tool(world.Options("brave") with { MaxResults = 7 }), "tide mill");

        var request = Assert.Single(world.Backend.Requests);
        Assert.Equal(("GET", "/res/v1/web/search"), (request.Method, request.Path));
        Assert.Equal("tide mill", request.Query["q"]);
        Assert.Equal("7", request.Query["count"]);
        Assert.Equal("key-for-brave", request.Headers["X-Subscription-Token"]);
        Assert.Equal("application/json", request.Headers["Accept"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Reads_web_results_with_the_strong_marks_of_the_description_removed()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers =
        [
            new("How a tide mill works", "https://news.example/tide-mill", "Tide mills store the sea in a pond.", "2024-03-14T09:30:00Z"),
            new("Sluice settings", "https://docs.example/configure", "Every setting has a default."),
        ];

        var search = await SearchWorld.ResultsAsync(world.Tool(world.Options("brave")), "tide mill");

        Assert.Collection(
            search.Results,
            first =>
            {
                Assert.Equal(("How a tide mill works", "https://news.example/tide-mill"), (first.Title, first.Url.AbsoluteUri));
                Assert.Equal("Tide mills store the sea in a pond.", first.Snippet);
                Assert.Equal(new DateTimeOffset(2024, 3, 14, 9, 30, 0, TimeSpan.Zero), first.Published);
            },
            second => Assert.Equal("Every setting has a default.", second.Snippet));
    }

    [Fact]
    public async Task Asks_for_more_than_max_results_when_domain_filters_will_drop_some()
    {
        await using var world = await SearchWorld.StartAsync();

        await SearchWorld.ResultsAsync(world.Tool(world.Options("brave") with { MaxResults = 2 }), "tide", new() { ["blocked_domains"] = new JsonArray("ads.example") });

        Assert.Equal("20", Assert.Single(world.Backend.Requests).Query["count"]);
    }

    [Fact]
    public async Task An_answer_without_web_results_is_a_search_with_no_results()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.RawBody = """{"type":"search","query":{"original":"tide"}}""";

        var run = await SearchWorld.SearchAsync(world.Tool(world.Options("brave")), "tide");

        Assert.True(run.Succeeded, run.Text);
        Assert.Empty(Assert.IsType<WebSearchResult>(run.Result).Results);
        Assert.Equal("Web search for \"tide\": no results.", run.Text);
    }
}

using System.Text.Json.Nodes;

namespace Gateway.Tools.Tests.WebSearch.Backends;

public sealed class TavilyBackendTests
{
    [Fact]
    public async Task Posts_the_query_and_max_results_with_the_key_as_a_bearer_token()
    {
        await using var world = await SearchWorld.StartAsync();

        await SearchWorld.ResultsAsync(world.Tool(world.Options("tavily") with { MaxResults = 4 }), "tide mill");

        var request = Assert.Single(world.Backend.Requests);
        Assert.Equal(("POST", "/search"), (request.Method, request.Path));
        Assert.Equal("Bearer key-for-tavily", request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        var body = request.Body!;
        Assert.Equal("tide mill", (string?)body["query"]);
        Assert.Equal(4, (int?)body["max_results"]);
        Assert.Equal("basic", (string?)body["search_depth"]);
        Assert.False((bool?)body["include_answer"]);
        Assert.False((bool?)body["include_raw_content"]);
        Assert.False(body.ContainsKey("include_domains"));
        Assert.False(body.ContainsKey("exclude_domains"));
    }

    [Fact]
    public async Task Passes_the_domain_filters_for_tavily_to_apply_itself_the_operators_blocked_domains_included()
    {
        await using var world = await SearchWorld.StartAsync();
        var tool = world.Tool(world.Options("tavily") with { BlockedDomains = ["spam.example"] });

        await SearchWorld.ResultsAsync(tool, "tide", new()
        {
            ["allowed_domains"] = new JsonArray("news.example", "*.docs.example"),
            ["blocked_domains"] = new JsonArray("Ads.Example."),
        });

        var body = Assert.Single(world.Backend.Requests).Body!;
        Assert.Equal(["news.example", "docs.example"], body["include_domains"]!.AsArray().Select(d => (string)d!));
        Assert.Equal(["ads.example", "spam.example"], body["exclude_domains"]!.AsArray().Select(d => (string)d!));
    }

    [Fact]
    public async Task Reads_title_url_content_and_published_date()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [new("Tide tables", "https://news.example/tides", "High water 06:12.", "2025-05-02")];

        var hit = Assert.Single((await SearchWorld.ResultsAsync(world.Tool(world.Options("tavily")), "tides")).Results);

        Assert.Equal(("Tide tables", "https://news.example/tides", "High water 06:12."), (hit.Title, hit.Url.AbsoluteUri, hit.Snippet));
        Assert.Equal(new DateTimeOffset(2025, 5, 2, 0, 0, 0, TimeSpan.Zero), hit.Published);
    }
}

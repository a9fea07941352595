using Gateway.Tools.Tests.Fakes;

namespace Gateway.Tools.Tests.WebSearch.Backends;

public sealed class SearxngBackendTests
{
    [Fact]
    public async Task Asks_search_with_the_query_and_json_format_and_sends_no_authorization_without_a_key()
    {
        await using var world = await SearchWorld.StartAsync();

        await SearchWorld.ResultsAsync(world.Tool(), "tide mill & sluice");

        var request = Assert.Single(world.Backend.Requests);
        Assert.Equal(("GET", "/search"), (request.Method, request.Path));
        Assert.Equal("tide mill & sluice", request.Query["q"]);
        Assert.Equal("json", request.Query["format"]);
        Assert.Equal("application/json", request.Headers["Accept"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Sends_an_api_key_as_a_bearer_token_for_an_instance_behind_an_authenticating_proxy()
    {
        await using var world = await SearchWorld.StartAsync();

        await SearchWorld.ResultsAsync(world.Tool(world.Options() with { ApiKey = "proxy-secret" }), "tide mill");

        Assert.Equal("Bearer proxy-secret", Assert.Single(world.Backend.Requests).Headers["Authorization"]);
    }

    [Fact]
    public async Task Reads_title_url_content_and_published_date_of_each_result_in_order()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers =
        [
            new("How a &quot;tide mill&quot; works", "https://news.example/tide-mill", "A mill driven by the sea &amp; the moon.", "2024-03-14T09:30:00"),
            new("Sluice settings", "https://docs.example/configure", "Every setting has a default."),
        ];

        var search = await SearchWorld.ResultsAsync(world.Tool(), "tide mill");

        Assert.Equal("tide mill", search.Query);
        Assert.Collection(
            search.Results,
            first =>
            {
                Assert.Equal("How a \"tide mill\" works", first.Title);
                Assert.Equal("https://news.example/tide-mill", first.Url.AbsoluteUri);
                Assert.Equal("A mill driven by the sea & the moon.", first.Snippet);
                Assert.Equal(new DateTimeOffset(2024, 3, 14, 9, 30, 0, TimeSpan.Zero), first.Published);
            },
            second =>
            {
                Assert.Equal("Sluice settings", second.Title);
                Assert.Null(second.Published);
            });
    }

    [Fact]
    public async Task Keeps_only_the_first_max_results_since_searxng_takes_no_count()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [.. Enumerable.Range(1, 8).Select(i => new FakeResult($"Result {i}", $"https://news.example/{i}", "snippet"))];

        var search = await SearchWorld.ResultsAsync(world.Tool(world.Options() with { MaxResults = 3 }), "tide");

        Assert.Equal(["Result 1", "Result 2", "Result 3"], search.Results.Select(r => r.Title));
        Assert.False(Assert.Single(world.Backend.Requests).Query.ContainsKey("count"));
    }

    [Fact]
    public async Task Skips_results_without_an_http_url_and_repeats_of_the_same_url()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers =
        [
            new("Not a URL", "no url here", "x"),
            new("FTP", "ftp://files.example/tides.txt", "x"),
            new("Kept", "https://news.example/kept", "x"),
            new("Kept again", "https://news.example/kept", "x"),
        ];

        var search = await SearchWorld.ResultsAsync(world.Tool(), "tide");

        Assert.Equal(["Kept"], search.Results.Select(r => r.Title));
    }
}

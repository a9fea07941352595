using System.Text.Json.Nodes;
using Gateway.Tools.WebSearch;

namespace Gateway.Tools.Tests.WebSearch;

public sealed class DomainFilterTests
{
    [Theory]
    [InlineData("https://example.com/a", true)]
    [InlineData("https://docs.example.com/a", true)]
    [InlineData("https://EXAMPLE.com./a", true)]
    [InlineData("https://badexample.com/a", false)]
    [InlineData("https://example.com.evil.example/a", false)]
    public void An_allowed_domain_covers_itself_and_its_subdomains_on_label_boundaries(string url, bool permitted)
    {
        Assert.Equal(permitted, new DomainFilter(["example.com"], []).Permits(new Uri(url)));
    }

    [Fact]
    public void A_blocked_domain_wins_over_an_allowed_one()
    {
        var filter = new DomainFilter(["example.com"], ["ads.example.com"]);

        Assert.True(filter.Permits(new Uri("https://example.com/")));
        Assert.False(filter.Permits(new Uri("https://x.ads.example.com/")));
    }

    [Theory]
    [InlineData("https://example.com/path", "must be a domain name such as example.com, without scheme, port or path")]
    [InlineData("example.com:8080", "must be a domain name such as example.com, without scheme, port or path")]
    [InlineData("10.0.0.1", "must be a domain name, not an address")]
    [InlineData("exa mple.com", "must be a domain name in ASCII (xn-- punycode for international names)")]
    [InlineData("com", "is a top-level domain; name a domain such as example.com")]
    public void An_entry_that_is_not_a_domain_says_why(string entry, string error)
    {
        Assert.Equal((null, error), DomainFilter.ParseEntry(entry));
    }

    [Fact]
    public void An_entry_is_matched_in_lower_case_without_a_trailing_dot_or_leading_wildcard()
    {
        Assert.Equal(("docs.example.com", null), DomainFilter.ParseEntry(" *.Docs.Example.COM. "));
    }

    [Fact]
    public async Task Allowed_domains_keep_only_results_under_them_and_only_those_pages_are_fetched()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = Results(world);

        var search = await SearchWorld.ResultsAsync(world.Tool(), "tides", new() { ["allowed_domains"] = new JsonArray("news.example") });

        Assert.Equal(["news", "www.news"], search.Results.Select(r => r.Title));
        Assert.DoesNotContain(world.Web.Hits, h => h.Host is "docs.example" or "blog.example");
    }

    [Fact]
    public async Task Blocked_domains_of_the_request_and_of_the_operator_are_both_left_out()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = Results(world);
        var tool = world.Tool(world.Options() with { BlockedDomains = ["blog.example"] });

        var search = await SearchWorld.ResultsAsync(tool, "tides", new() { ["blocked_domains"] = new JsonArray("www.news.example") });

        Assert.Equal(["news", "docs"], search.Results.Select(r => r.Title));
    }

    [Fact]
    public async Task The_operators_blocked_domains_hold_even_when_a_request_allows_them()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = Results(world);
        var tool = world.Tool(world.Options() with { BlockedDomains = ["news.example"] });

        var search = await SearchWorld.ResultsAsync(tool, "tides", new() { ["allowed_domains"] = new JsonArray("news.example", "docs.example") });

        Assert.Equal(["docs"], search.Results.Select(r => r.Title));
    }

    [Fact]
    public async Task Max_results_counts_what_the_filters_left()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = Results(world);

        var search = await SearchWorld.ResultsAsync(world.Tool(), "tides", new() { ["max_results"] = 2, ["blocked_domains"] = new JsonArray("news.example") });

        Assert.Equal(["docs", "blog"], search.Results.Select(r => r.Title));
    }

    [Fact]
    public async Task A_page_that_redirects_out_of_the_allowed_domains_is_refused_after_the_redirect()
    {
        await using var world = await SearchWorld.StartAsync();
        var elsewhere = Uri.EscapeDataString(world.Page("blog.example", "/notes.txt"));
        world.Backend.Answers = [new("Moved", world.Page("news.example", $"/redirect?to={elsewhere}"), "moved")];

        var search = await SearchWorld.ResultsAsync(world.Tool(), "tides", new() { ["allowed_domains"] = new JsonArray("news.example") });

        var hit = Assert.Single(search.Results);
        Assert.Equal((PageStatus.Refused, "it redirects to blog.example, which the domain filters leave out"), (hit.Page, hit.PageNote));
        Assert.Null(hit.Excerpt);
    }

    private static List<Fakes.FakeResult> Results(SearchWorld world) =>
    [
        new("news", world.Page("news.example", "/notes.txt"), ""),
        new("docs", world.Page("docs.example", "/notes.txt"), ""),
        new("www.news", world.Page("www.news.example", "/notes.txt"), ""),
        new("blog", world.Page("blog.example", "/notes.txt"), ""),
    ];
}

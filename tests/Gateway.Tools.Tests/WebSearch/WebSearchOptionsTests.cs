using Gateway.Tools.WebSearch;

namespace Gateway.Tools.Tests.WebSearch;

public sealed class WebSearchOptionsTests
{
    [Fact]
    public void The_defaults_with_a_searxng_url_are_valid()
    {
        var options = new WebSearchOptions { Url = "http://searxng:8080" };

        Assert.Empty(options.Validate());
        Assert.Equal(("searxng", 5, 4000, 4, 10, 5 * 1024 * 1024L, 10, 10, 256), (options.Backend, options.MaxResults, options.ExcerptCharacters, options.FetchConcurrency, options.FetchTimeoutSeconds, options.MaxPageBytes, options.BackendTimeoutSeconds, options.CacheMinutes, options.CacheEntries));
    }

    [Theory]
    [InlineData("brave")]
    [InlineData("tavily")]
    public void Brave_and_tavily_need_only_a_key_their_public_api_is_the_default_url(string backend)
    {
        Assert.Empty(new WebSearchOptions { Backend = backend, ApiKey = "k" }.Validate());
    }

    [Fact]
    public void Searxng_needs_a_url()
    {
        Assert.Equal(["tools.web_search.url is required for searxng: the address of the instance, e.g. http://searxng:8080"], new WebSearchOptions().Validate());
    }

    [Fact]
    public void An_unknown_backend_names_the_ones_there_are()
    {
        Assert.Equal(["tools.web_search.backend 'google' is not a backend; use searxng, brave, tavily"], new WebSearchOptions { Backend = "google", Url = "http://x.example" }.Validate());
    }

    [Theory]
    [InlineData("searxng:8080")]
    [InlineData("ftp://searxng")]
    [InlineData("http://user:pass@searxng")]
    [InlineData("http://searxng/?token=1")]
    public void A_url_that_is_not_a_plain_http_base_url_is_refused(string url)
    {
        Assert.Equal([$"tools.web_search.url '{url}' must be an absolute http or https URL without a user name, password, query or fragment"], new WebSearchOptions { Url = url }.Validate());
    }

    [Fact]
    public void Every_limit_out_of_its_range_is_named_with_its_range()
    {
        var options = new WebSearchOptions
        {
            Url = "http://searxng:8080",
            MaxResults = 0,
            ExcerptCharacters = 100,
            FetchConcurrency = 17,
            FetchTimeoutSeconds = 0,
            MaxPageBytes = 6 * 1024 * 1024,
            BackendTimeoutSeconds = 121,
            CacheMinutes = -1,
            CacheEntries = 0,
            BlockedDomains = ["com"],
        };

        Assert.Equal(
            [
                "tools.web_search.max_results must be 1 to 20, not 0",
                "tools.web_search.excerpt_characters must be 200 to 100000, not 100",
                "tools.web_search.fetch_concurrency must be 1 to 16, not 17",
                "tools.web_search.fetch_timeout_seconds must be 1 to 120, not 0",
                "tools.web_search.max_page_bytes must be 1024 to 5242880, not 6291456",
                "tools.web_search.backend_timeout_seconds must be 1 to 120, not 121",
                "tools.web_search.cache_minutes must be 0 to 1440, not -1",
                "tools.web_search.cache_entries must be 1 to 100000, not 0",
                "tools.web_search.blocked_domains[0] 'com' is a top-level domain; name a domain such as example.com",
            ],
            options.Validate());
    }
}

using Gateway.Tools.WebSearch;
using Gateway.Tools.WebSearch.Extraction;
using Gateway.Tools.WebSearch.Fetching;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tools.Tests.WebSearch.Fetching;

public sealed class PageCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_page_found_again_within_the_cache_time_is_not_fetched_again_even_from_another_session()
    {
        await using var world = await SearchWorld.StartAsync();
        var url = world.Page("news.example", "/pages/article.html");
        world.Backend.Answers = [new("Tide mill", url, "")];
        var tool = world.Tool(world.Options() with { CacheMinutes = 10 });

        var first = Assert.Single((await SearchWorld.ResultsAsync(tool, "tide mill")).Results);
        world.Time.Advance(TimeSpan.FromMinutes(9));
        var second = Assert.Single((await SearchWorld.ResultsAsync(tool, "how tide mills work")).Results);

        Assert.Equal(1, world.Web.HitsTo("/pages/article.html"));
        Assert.Equal(first.Excerpt, second.Excerpt);
        Assert.Equal(PageStatus.Extracted, second.Page);
    }

    [Fact]
    public async Task A_page_is_fetched_again_once_its_cache_time_has_passed()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [new("Tide mill", world.Page("news.example", "/pages/article.html"), "")];
        var tool = world.Tool(world.Options() with { CacheMinutes = 10 });

        await SearchWorld.ResultsAsync(tool, "tide mill");
        world.Time.Advance(TimeSpan.FromMinutes(10));
        await SearchWorld.ResultsAsync(tool, "tide mill");

        Assert.Equal(2, world.Web.HitsTo("/pages/article.html"));
    }

    [Fact]
    public async Task A_failed_page_is_not_kept_the_next_search_tries_again()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [new("Gone", world.Page("blog.example", "/status/503"), "")];
        var tool = world.Tool();

        await SearchWorld.ResultsAsync(tool, "gone");
        await SearchWorld.ResultsAsync(tool, "gone");

        Assert.Equal(2, world.Web.HitsTo("/status/503"));
    }

    [Fact]
    public async Task With_cache_minutes_0_every_search_fetches()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [new("Notes", world.Page("blog.example", "/notes.txt"), "")];
        var tool = world.Tool(world.Options() with { CacheMinutes = 0 });

        await SearchWorld.ResultsAsync(tool, "notes");
        await SearchWorld.ResultsAsync(tool, "notes");

        Assert.Equal(2, world.Web.HitsTo("/notes.txt"));
    }

    [Fact]
    public void The_url_is_the_key_without_its_fragment()
    {
        var cache = new PageCache(10, TimeSpan.FromMinutes(5), _time);
        cache.Put(new Uri("https://news.example/a#intro"), Page("https://news.example/a"));

        Assert.NotNull(cache.Get(new Uri("https://news.example/a#later")));
        Assert.Null(cache.Get(new Uri("https://news.example/a?page=2")));
    }

    [Fact]
    public void Past_its_capacity_the_least_recently_used_page_goes_first()
    {
        var cache = new PageCache(2, TimeSpan.FromMinutes(5), _time);
        cache.Put(new Uri("https://news.example/a"), Page("https://news.example/a"));
        cache.Put(new Uri("https://news.example/b"), Page("https://news.example/b"));
        Assert.NotNull(cache.Get(new Uri("https://news.example/a")));

        cache.Put(new Uri("https://news.example/c"), Page("https://news.example/c"));

        Assert.Equal(2, cache.Count);
        Assert.NotNull(cache.Get(new Uri("https://news.example/a")));
        Assert.Null(cache.Get(new Uri("https://news.example/b")));
        Assert.NotNull(cache.Get(new Uri("https://news.example/c")));
    }

    [Fact]
    public void An_expired_entry_is_dropped_when_asked_for()
    {
        var cache = new PageCache(10, TimeSpan.FromMinutes(5), _time);
        cache.Put(new Uri("https://news.example/a"), Page("https://news.example/a"));

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(cache.Get(new Uri("https://news.example/a")));
        Assert.Equal(0, cache.Count);
    }

    private static ExtractedPage Page(string url) => new(new Uri(url), "Title", null, "Text.");
}

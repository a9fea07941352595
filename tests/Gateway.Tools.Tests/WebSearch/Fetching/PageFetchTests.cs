using Gateway.Tools.Tests.Fakes;
using Gateway.Tools.WebSearch;

namespace Gateway.Tools.Tests.WebSearch.Fetching;

/// <summary>A page that cannot be had costs its own result, never the search: the others come back, and the run is billed once.</summary>
public sealed class PageFetchTests
{
    [Fact]
    public async Task A_pdf_is_not_read_its_endless_body_is_hung_up_on_and_the_snippet_stays()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [new("Annual report", world.Page("blog.example", "/report.pdf"), "The report in full.")];

        var hit = Assert.Single((await SearchWorld.ResultsAsync(world.Tool(), "report")).Results);

        Assert.Equal((PageStatus.NotText, "application/pdf is not HTML or text"), (hit.Page, hit.PageNote));
        Assert.Equal("The report in full.", hit.CitedText);
        await world.Web.PdfAbandoned.Task.WaitAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_page_larger_than_the_cap_is_not_read_on()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [new("Huge", world.Page("blog.example", "/huge"), "big")];

        var hit = Assert.Single((await SearchWorld.ResultsAsync(world.Tool(world.Options() with { MaxPageBytes = 100_000 }), "huge")).Results);

        Assert.Equal((PageStatus.Failed, "the answer is larger than 100000 bytes"), (hit.Page, hit.PageNote));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(503)]
    public async Task An_error_status_is_a_failed_page(int status)
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [new("Gone", world.Page("blog.example", $"/status/{status}"), "was here")];

        var hit = Assert.Single((await SearchWorld.ResultsAsync(world.Tool(), "gone")).Results);

        Assert.Equal((PageStatus.Failed, $"the page answered HTTP {status}"), (hit.Page, hit.PageNote));
    }

    [Fact]
    public async Task A_page_that_never_answers_fails_at_the_fetch_timeout_on_the_clock_while_the_others_come_back()
    {
        await using var world = await SearchWorld.StartAsync();
        var notes = new FakeResult("Notes", world.Page("blog.example", "/notes.txt"), "notes");
        var tool = world.Tool(world.Options() with { FetchTimeoutSeconds = 3 });
        // The other page comes from the cache: fetched alongside, it could still be in flight when the clock moves.
        world.Backend.Answers = [notes];
        await SearchWorld.ResultsAsync(tool, "tides");
        world.Backend.Answers = [new("Slow", world.Page("blog.example", "/slow"), "slow snippet"), notes];

        var running = SearchWorld.ResultsAsync(tool, "tides");
        await world.Web.SlowAsked.Task.WaitAsync(TestContext.Current.CancellationToken);
        world.Time.Advance(TimeSpan.FromSeconds(3));
        var search = await running;

        Assert.Collection(
            search.Results,
            slow => Assert.Equal((PageStatus.Failed, "no answer within 3 s", "slow snippet"), (slow.Page, slow.PageNote, slow.CitedText)),
            notes => Assert.Equal(PageStatus.Extracted, notes.Page));
    }

    [Fact]
    public async Task Pages_are_fetched_at_the_same_time()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [.. "abcd".Select(c => new FakeResult($"Page {c}", world.Page("blog.example", $"/together/4/{c}"), ""))];

        var search = await SearchWorld.ResultsAsync(world.Tool(world.Options() with { FetchConcurrency = 4 }), "together");

        Assert.All(search.Results, r => Assert.Equal(PageStatus.Extracted, r.Page));
        Assert.Equal("Page a answered once all 4 were asked.", search.Results[0].Excerpt);
    }

    [Fact]
    public async Task No_more_pages_than_the_fetch_concurrency_are_fetched_at_once()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [.. "abc".Select(c => new FakeResult($"Page {c}", world.Page("blog.example", $"/together/3/{c}"), ""))];
        var tool = world.Tool(world.Options() with { FetchConcurrency = 2, FetchTimeoutSeconds = 5 });

        var running = SearchWorld.ResultsAsync(tool, "together");
        // Two are in and waiting for a third that the limit holds back, until those two time out.
        await world.Web.TogetherArrivals.WaitAsync(TestContext.Current.CancellationToken);
        await world.Web.TogetherArrivals.WaitAsync(TestContext.Current.CancellationToken);
        world.Time.Advance(TimeSpan.FromSeconds(5));
        var search = await running;

        Assert.Equal([PageStatus.Failed, PageStatus.Failed, PageStatus.Extracted], search.Results.Select(r => r.Page));
        Assert.Equal(3, world.Web.Hits.Count(h => h.Path.StartsWith("/together/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_page_reached_by_a_redirect_is_extracted_and_keeps_the_url_the_backend_gave()
    {
        await using var world = await SearchWorld.StartAsync();
        var target = world.Page("docs.example", "/notes.txt");
        var url = world.Page("news.example", $"/redirect?to={Uri.EscapeDataString(target)}");
        world.Backend.Answers = [new("Moved", url, "")];

        var hit = Assert.Single((await SearchWorld.ResultsAsync(world.Tool(), "moved")).Results);

        Assert.Equal((PageStatus.Extracted, url), (hit.Page, hit.Url.AbsoluteUri));
        Assert.StartsWith("Tide tables", hit.Excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_result_is_cut_to_the_per_result_budget()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers =
        [
            new("Article", world.Page("news.example", "/pages/article.html"), ""),
            new("Reference", world.Page("docs.example", "/pages/reference.html"), ""),
        ];

        var search = await SearchWorld.ResultsAsync(world.Tool(world.Options() with { ExcerptCharacters = 600 }), "tide");

        Assert.All(search.Results, r =>
        {
            Assert.Equal(PageStatus.Extracted, r.Page);
            var excerpt = r.Excerpt!;
            var body = excerpt[..excerpt.LastIndexOf("\n\n[cut at ", StringComparison.Ordinal)];
            Assert.InRange(body.Length, 300, 600);
            Assert.Matches(@"\n\n\[cut at \d+ of [\d,]+ characters\]$", excerpt);
        });
    }
}

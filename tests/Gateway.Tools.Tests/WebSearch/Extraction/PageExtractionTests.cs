using Gateway.Tools.WebSearch;

namespace Gateway.Tools.Tests.WebSearch.Extraction;

/// <summary>Realistic pages fetched from the fake web and read through the whole tool: what the model gets of each.</summary>
public sealed class PageExtractionTests
{
    [Fact]
    public async Task An_article_keeps_its_headings_paragraphs_emphasis_quote_list_table_and_code_with_absolute_links()
    {
        await using var world = await SearchWorld.StartAsync();
        var url = world.Page("news.example", "/pages/article.html");

        var excerpt = await ExcerptAsync(world, url);

        var site = $"http://news.example:{world.Web.Port}";
        Assert.Contains($"through the wheel. The power is *predictable* to the minute", excerpt.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains($"a set of [sluice gates]({site}/glossary/sluice-gate), and twice", excerpt, StringComparison.Ordinal);
        Assert.Contains("the **head**: the", excerpt, StringComparison.Ordinal);
        Assert.Contains("\n\n## The pond and the gate\n\n", excerpt, StringComparison.Ordinal);
        Assert.Contains("the head `h` and the flow `Q`", excerpt, StringComparison.Ordinal);
        Assert.Contains("\n\n> The tide gave us two working days in every day, and asked nothing but a good gate.\n\n", excerpt, StringComparison.Ordinal);
        Assert.Contains(
            """
            ### A day at the mill

            1. Open the sluice gates on the flood tide and let the pond fill.
            2. Close the gates at high water, then wait for the sea to fall:
               - about two hours on a spring tide,
               - longer on a neap tide.
            3. Open the wheel race and grind until the head is too small to turn the wheel.
            """, excerpt, StringComparison.Ordinal);
        Assert.Contains(
            """
            | Mill | Head (m) | Power (kW) |
            | --- | --- | --- |
            | Eling | 1.8 | 15 |
            | Woodbridge | 2.1 | 18 |
            | Rupelmonde | 1.5 | 11 |
            """, excerpt, StringComparison.Ordinal);
        Assert.Contains(
            """
            ```python
            def power_kw(head_m, flow_m3s, efficiency=0.6):
                # rho * g * Q * h, in kilowatts
                return 1000 * 9.81 * flow_m3s * head_m * efficiency / 1000
            ```
            """, excerpt, StringComparison.Ordinal);
        Assert.Contains("[the history of mills](https://history.example/mills)", excerpt, StringComparison.Ordinal);
        Assert.Contains($"![Eling tide mill at low water]({site}/images/eling-low-tide.jpg)", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_article_leaves_out_navigation_forms_banners_asides_footer_comments_and_scripts()
    {
        await using var world = await SearchWorld.StartAsync();

        var excerpt = await ExcerptAsync(world, world.Page("news.example", "/pages/article.html"));

        foreach (var chrome in (string[])["Subscribe", "Accept all", "Advertisement", "Most read", "All rights reserved", "Great article", "dataLayer", "pageview", "Skip to content", "font-family"])
            Assert.DoesNotContain(chrome, excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_a_page_names_is_fetched_only_the_page_itself()
    {
        await using var world = await SearchWorld.StartAsync();

        await ExcerptAsync(world, world.Page("news.example", "/pages/article.html"));

        Assert.Equal(["/pages/article.html"], world.Web.Hits.Select(h => h.Path));
    }

    [Fact]
    public async Task A_reference_page_keeps_its_table_with_caption_and_spans_its_fenced_code_its_definitions_and_nested_lists()
    {
        await using var world = await SearchWorld.StartAsync();
        var url = world.Page("docs.example", "/pages/reference.html");

        var excerpt = await ExcerptAsync(world, url);

        Assert.Contains("Press `Ctrl`+`R` in the console", excerpt, StringComparison.Ordinal);
        Assert.Contains(
            """
            Controller settings

            | Key | Default | Meaning |
            | --- | --- | --- |
            | `open_head` | 0.2 | Head in metres at which the gates open. |
            | `close_head` | 0.05 | Head at which they close again; must be below `open_head`. |
            | `mode` | auto | One of `auto` \| `manual`. |
            | Deprecated keys |  | Ignored, with a warning. |
            """, excerpt, StringComparison.Ordinal);
        Assert.Contains(
            """
            ```yaml
            open_head: 0.15
            close_head: 0.05
            log:
              movements: true
            ```
            """, excerpt, StringComparison.Ordinal);
        Assert.Contains("```\n$ sluice check sluice.yaml\nok: 3 settings, 0 warnings\n```", excerpt, StringComparison.Ordinal);
        Assert.Contains("**auto**\n: The controller follows the measured head.\n**manual**\n: The gates move only on an operator's command.", excerpt, StringComparison.Ordinal);
        Assert.Contains(
            """
            - the command line
              - `--open-head`
              - `--close-head`
                - only with `--open-head`
            - environment variables such as `SLUICE_MODE`
            - the file itself
            """, excerpt, StringComparison.Ordinal);
        Assert.Contains($"See [Operating: errors](http://docs.example:{world.Web.Port}/operate#errors) for", excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain("Installing", excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain("CC BY 4.0", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pages_own_title_and_date_fill_in_what_the_backend_did_not_say()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [new("", world.Page("news.example", "/pages/article.html"), "")];

        var hit = Assert.Single((await SearchWorld.ResultsAsync(world.Tool(), "tide mill")).Results);

        Assert.Equal(PageStatus.Extracted, hit.Page);
        Assert.Equal("How a Tide Mill Works", hit.Title);
        Assert.Equal(new DateTimeOffset(2024, 3, 14, 9, 30, 0, TimeSpan.Zero), hit.Published);
    }

    [Fact]
    public async Task The_backends_title_and_date_win_over_the_pages()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [new("Tide mills explained", world.Page("news.example", "/pages/article.html"), "", "2024-04-01T00:00:00Z")];

        var hit = Assert.Single((await SearchWorld.ResultsAsync(world.Tool(), "tide mill")).Results);

        Assert.Equal("Tide mills explained", hit.Title);
        Assert.Equal(new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.Zero), hit.Published);
    }

    [Fact]
    public async Task A_page_in_a_legacy_charset_named_by_its_content_type_is_decoded()
    {
        await using var world = await SearchWorld.StartAsync();

        var excerpt = await ExcerptAsync(world, world.Page("blog.example", "/latin1"));

        Assert.Equal("Cr\u00e8me br\u00fbl\u00e9e, na\u00efve fa\u00e7ade.", excerpt);
    }

    [Fact]
    public async Task Plain_text_is_kept_as_it_is()
    {
        await using var world = await SearchWorld.StartAsync();

        var excerpt = await ExcerptAsync(world, world.Page("blog.example", "/notes.txt"));

        Assert.Equal("Tide tables\n\nHigh water 06:12, low water 12:30.", excerpt);
    }

    [Fact]
    public async Task A_page_written_by_scripts_keeps_the_snippet_and_says_there_was_no_text()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Answers = [new("App", world.Page("blog.example", "/scripted"), "An app that renders itself.")];

        var hit = Assert.Single((await SearchWorld.ResultsAsync(world.Tool(), "app")).Results);

        Assert.Equal((PageStatus.Failed, "the page has no text to read (it may be written by scripts)"), (hit.Page, hit.PageNote));
        Assert.Null(hit.Excerpt);
        Assert.Equal("An app that renders itself.", hit.CitedText);
    }

    /// <summary>The excerpt of the one result at <paramref name="url"/>, with a budget large enough to hold the whole page.</summary>
    private static async Task<string> ExcerptAsync(SearchWorld world, string url)
    {
        world.Backend.Answers = [new("A page", url, "snippet")];
        var hit = Assert.Single((await SearchWorld.ResultsAsync(world.Tool(world.Options() with { ExcerptCharacters = 100_000 }), "tide mill")).Results);
        Assert.True(hit.Page == PageStatus.Extracted, hit.PageNote);
        return hit.Excerpt!;
    }
}

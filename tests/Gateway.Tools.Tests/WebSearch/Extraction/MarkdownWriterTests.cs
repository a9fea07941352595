using AngleSharp.Html.Parser;
using Gateway.Tools.WebSearch.Extraction;

namespace Gateway.Tools.Tests.WebSearch.Extraction;

public sealed class MarkdownWriterTests
{
    private static readonly Uri Page = new("https://docs.example/guide/page.html");

    [Fact]
    public void Headings_take_as_many_hashes_as_their_level_on_one_line()
    {
        Assert.Equal("# Top\n\n### Three words here\n\nText.", Write("<h1>Top</h1><h3>Three\n words <br>here</h3><p>Text.</p>"));
    }

    [Fact]
    public void Links_resolve_against_the_page_and_links_that_go_nowhere_keep_only_their_text()
    {
        Assert.Equal(
            "[Up](https://docs.example/index.html), [mail](mailto:a@docs.example), top, run, [paren](https://docs.example/a%28b%29)",
            Write("<p><a href='../index.html'>Up</a>, <a href='mailto:a@docs.example'>mail</a>, <a href='#top'>top</a>, <a href='javascript:go()'>run</a>, <a href='/a(b)'>paren</a></p>"));
    }

    [Fact]
    public void Emphasis_keeps_the_white_space_that_set_it_off_outside_its_markers()
    {
        Assert.Equal("a **bold** and *leaning* ~~gone~~ \"said\" end", Write("<p>a<b> bold </b>and <i>leaning</i> <del>gone</del> <q>said</q> end</p>"));
    }

    [Fact]
    public void Inline_code_with_backticks_is_fenced_by_a_longer_run()
    {
        Assert.Equal("Use ``a`b`` or `` `x` ``.", Write("<p>Use <code>a`b</code> or <code>`x`</code>.</p>"));
    }

    [Fact]
    public void A_code_block_holding_a_fence_gets_a_longer_one_and_keeps_its_white_space()
    {
        Assert.Equal("````md\n```\n  indented\n```\n````", Write("<pre class='language-md'>\n```\n  indented\n```\n</pre>"));
    }

    [Fact]
    public void An_ordered_list_counts_from_its_start_and_items_with_paragraphs_are_indented()
    {
        Assert.Equal("3. first\n4. second\n\n   more of it", Write("<ol start='3'><li>first</li><li><p>second</p><p>more of it</p></li></ol>"));
    }

    [Fact]
    public void A_list_put_straight_in_a_list_belongs_to_the_item_before_it()
    {
        Assert.Equal("- a\n  - a1\n- b", Write("<ul><li>a</li><ul><li>a1</li></ul><li>b</li></ul>"));
    }

    [Fact]
    public void Table_cells_escape_pipes_and_short_rows_are_padded()
    {
        Assert.Equal("| a \\| b | c |\n| --- | --- |\n| only |  |", Write("<table><tr><td>a | b</td><td>c</td></tr><tr><td>only</td></tr></table>"));
    }

    [Fact]
    public void Hidden_elements_and_images_without_alt_text_are_dropped()
    {
        Assert.Equal("shown", Write("<p>shown<span hidden>gone</span><span aria-hidden='true'>gone</span><span style='display: none'>gone</span><img src='x.png'></p>"));
    }

    [Fact]
    public void Block_quotes_prefix_every_line_blank_lines_included()
    {
        Assert.Equal("> one\n>\n> two", Write("<blockquote><p>one</p><p>two</p></blockquote>"));
    }

    private static string Write(string html)
    {
        var document = new HtmlParser().ParseDocument($"<html><body>{html}</body></html>");
        return MarkdownWriter.Write(document.Body!, Page);
    }
}

using Gateway.Tools.WebSearch.Extraction;

namespace Gateway.Tools.Tests.WebSearch.Extraction;

public sealed class ExcerptTests
{
    [Fact]
    public void Text_within_the_budget_is_kept_whole()
    {
        Assert.Equal("Short page.", Excerpt.Cut("Short page.", 20));
    }

    [Fact]
    public void A_cut_falls_at_the_last_paragraph_break_in_the_budgets_second_half_and_says_how_much_was_cut()
    {
        var text = string.Join("\n\n", Enumerable.Range(1, 10).Select(i => $"Paragraph {i} " + new string('x', 80)));

        var cut = Excerpt.Cut(text, 400);

        var kept = string.Join("\n\n", Enumerable.Range(1, 4).Select(i => $"Paragraph {i} " + new string('x', 80)));
        Assert.Equal($"{kept}\n\n[cut at {kept.Length:N0} of {text.Length:N0} characters]", cut);
    }

    [Fact]
    public void Without_a_paragraph_break_near_the_budget_a_cut_falls_at_a_space()
    {
        var text = string.Join(' ', Enumerable.Repeat("word", 100));

        var cut = Excerpt.Cut(text, 102);

        Assert.StartsWith(string.Join(' ', Enumerable.Repeat("word", 20)) + "\n\n[cut at 99 of 499 characters]", cut, StringComparison.Ordinal);
    }

    [Fact]
    public void A_code_block_left_open_by_the_cut_is_closed()
    {
        var code = string.Join('\n', Enumerable.Range(1, 60).Select(i => $"line_{i} = {i}"));
        var text = $"Intro.\n\n```python\n{code}\n```\n\nAfter.";

        var cut = Excerpt.Cut(text, 300);

        var body = cut[..cut.LastIndexOf("\n\n[cut at", StringComparison.Ordinal)];
        Assert.StartsWith("Intro.\n\n```python\nline_1 = 1\n", body, StringComparison.Ordinal);
        Assert.EndsWith("\n```", body, StringComparison.Ordinal);
        Assert.True(body.Length <= 300 + 4, body);
    }

    [Fact]
    public void A_cut_without_any_break_does_not_split_a_surrogate_pair()
    {
        var text = new string('a', 9) + "\U0001F30A" + new string('b', 20);

        var cut = Excerpt.Cut(text, 10);

        Assert.StartsWith(new string('a', 9) + "\n\n[cut at 9 of", cut, StringComparison.Ordinal);
    }
}

using System.Text;

namespace Gateway.Tools.WebSearch.Extraction;

/// <summary>
/// The text of one Markdown paragraph as it is built: white space collapses as a browser collapses
/// it (a run of spaces, tabs and newlines is one space), line breaks are kept, and markers such as
/// <c>**</c> go in as they are.
/// </summary>
internal sealed class InlineText
{
    private readonly StringBuilder _text = new();

    public bool IsEmpty => _text.Length == 0;

    public void Append(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
                _text.Append(c);
            // A leading space is kept too: inside <b> it says the bold text was set off from what came before.
            else if (_text.Length == 0 || _text[^1] is not (' ' or '\n'))
                _text.Append(' ');
        }
    }

    /// <summary>Markup that must not be collapsed or split: a marker, a link's target.</summary>
    public void AppendMarkup(string markup) => _text.Append(markup);

    public void LineBreak()
    {
        if (_text.Length > 0 && _text[^1] == ' ')
            _text.Length--;
        _text.Append('\n');
    }

    /// <summary>The text as built: a leading or trailing space tells the caller the content was set off by white space.</summary>
    public string Raw() => _text.ToString();

    /// <summary>The paragraph: each line trimmed, blank lines at either end dropped.</summary>
    public string Paragraph() => string.Join('\n', _text.ToString().Split('\n').Select(l => l.Trim())).Trim('\n');

    public void Clear() => _text.Clear();
}

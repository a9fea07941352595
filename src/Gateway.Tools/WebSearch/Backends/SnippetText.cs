using System.Net;
using System.Text;

namespace Gateway.Tools.WebSearch.Backends;

/// <summary>A backend's title or snippet as plain text: Brave marks matches with &lt;strong&gt;, others escape entities.</summary>
internal static class SnippetText
{
    public static string Plain(string? html)
    {
        if (string.IsNullOrEmpty(html))
            return "";
        var text = new StringBuilder(html.Length);
        var inTag = false;
        for (var i = 0; i < html.Length; i++)
        {
            var c = html[i];
            // "a < b" in a plain-text snippet is text; "<strong>" and "</strong>" are tags.
            if (c == '<' && i + 1 < html.Length && (char.IsAsciiLetter(html[i + 1]) || html[i + 1] == '/'))
                inTag = true;
            else if (c == '>' && inTag)
                inTag = false;
            else if (!inTag)
                text.Append(char.IsWhiteSpace(c) ? ' ' : c);
        }

        return string.Join(' ', WebUtility.HtmlDecode(text.ToString()).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}

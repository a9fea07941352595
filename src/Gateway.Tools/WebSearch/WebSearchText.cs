using System.Globalization;
using System.Text;

namespace Gateway.Tools.WebSearch;

/// <summary>
/// The search as the model reads it: each result numbered, with its title, URL and date, then the
/// page's Markdown or, when the page could not be had, why and the backend's snippet.
/// </summary>
internal static class WebSearchText
{
    public static string For(WebSearchResult search)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Web search for \"{search.Query}\": ");
        text.Append(search.Results.Count switch
        {
            0 => "no results.",
            1 => "1 result.",
            var n => $"{n.ToString(CultureInfo.InvariantCulture)} results.",
        });
        for (var i = 0; i < search.Results.Count; i++)
        {
            var hit = search.Results[i];
            text.Append(CultureInfo.InvariantCulture, $"\n\n[{i + 1}] {(hit.Title.Length > 0 ? hit.Title : hit.Url.Host)}\nURL: {hit.Url.AbsoluteUri}");
            if (hit.Published is { } published)
                text.Append(CultureInfo.InvariantCulture, $"\nPublished: {published.UtcDateTime:yyyy-MM-dd}");
            if (hit.Excerpt is { } excerpt)
            {
                text.Append("\n\n").Append(excerpt);
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"\nPage not read: {hit.PageNote}");
            if (hit.Snippet.Length > 0)
                text.Append(CultureInfo.InvariantCulture, $"\nSnippet: {hit.Snippet}");
        }

        return text.ToString();
    }
}

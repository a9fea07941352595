using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// OpenAI chat's <c>url_citation</c> annotations for the gateway's web searches: one for each place the answer cites a
/// result, by the <c>[n]</c> marker the search's text numbered it with, or by naming its URL. Results the answer does not
/// cite get none: an annotation says where the text rests on a source, and one spanning nothing would claim what the
/// text does not. Each search numbers its results from 1, so a marker cites the latest search's result of that number,
/// the one the model read last. Indices are into the message's content, as OpenAI gives them.
/// </summary>
internal static partial class OpenAICitations
{
    public static JsonArray? For(string text, IReadOnlyList<WebSearchOutcome> searches)
    {
        if (searches.Count == 0 || text.Length == 0)
            return null;
        var cited = new List<(int Start, int End, WebSearchHit Hit)>();
        var numbered = searches[^1].Hits;
        foreach (Match marker in Marker().Matches(text))
        {
            if (int.TryParse(marker.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= numbered.Count)
                cited.Add((marker.Index, marker.Index + marker.Length, numbered[n - 1]));
        }

        foreach (var hit in searches.SelectMany(s => s.Hits).Where(h => h.Url.Length > 0).DistinctBy(h => h.Url))
        {
            for (var at = text.IndexOf(hit.Url, StringComparison.Ordinal); at >= 0; at = text.IndexOf(hit.Url, at + 1, StringComparison.Ordinal))
            {
                // A URL that goes on in the text is another URL (…/1 inside …/12).
                var end = at + hit.Url.Length;
                if (end == text.Length || !char.IsLetterOrDigit(text[end]) && text[end] != '/')
                    cited.Add((at, end, hit));
            }
        }

        return cited.Count == 0 ? null : new JsonArray([.. cited.OrderBy(c => c.Start).Select(c => (JsonNode)new JsonObject
        {
            ["type"] = "url_citation",
            ["url_citation"] = new JsonObject { ["url"] = c.Hit.Url, ["title"] = c.Hit.Title, ["start_index"] = c.Start, ["end_index"] = c.End },
        })]);
    }

    [GeneratedRegex(@"\[(\d{1,3})\]")]
    private static partial Regex Marker();
}

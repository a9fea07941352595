using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// OpenAI's <c>url_citation</c> annotations (chat's and the Responses API's) for the gateway's web searches: one for each place the answer cites a
/// result, by the <c>[n]</c> marker the search's text numbered it with, or by naming its URL. Results the answer does not
/// cite get none: an annotation says where the text rests on a source, and one spanning nothing would claim what the
/// text does not. Each search numbers its results from 1, so a marker cites the latest search's result of that number,
/// the one the model read last. Indices are into the message's content (the output_text's text), as OpenAI gives them.
/// </summary>
internal static partial class OpenAICitations
{
    public static JsonArray? For(string text, IReadOnlyList<WebSearchOutcome> searches) =>
        Cited(text, searches) is { Count: > 0 } cited
            ? new JsonArray([.. cited.Select(c => (JsonNode)new JsonObject { ["type"] = "url_citation", ["url_citation"] = Citation(c, withType: false) })])
            : null;

    /// <summary>The Responses API's annotations of an output_text: the same citations, each flat (<c>{"type":"url_citation","url":...}</c>).</summary>
    public static JsonArray Flat(string text, IReadOnlyList<WebSearchOutcome> searches) =>
        new([.. Cited(text, searches).Select(c => (JsonNode)Citation(c, withType: true))]);

    private static JsonObject Citation((int Start, int End, WebSearchHit Hit) cited, bool withType)
    {
        var citation = new JsonObject { ["url"] = cited.Hit.Url, ["title"] = cited.Hit.Title, ["start_index"] = cited.Start, ["end_index"] = cited.End };
        if (withType)
            citation.Insert(0, "type", "url_citation");
        return citation;
    }

    /// <summary>Where the text cites which result, in the order of the text.</summary>
    private static List<(int Start, int End, WebSearchHit Hit)> Cited(string text, IReadOnlyList<WebSearchOutcome> searches)
    {
        if (searches.Count == 0 || text.Length == 0)
            return [];
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

        return [.. cited.OrderBy(c => c.Start)];
    }

    [GeneratedRegex(@"\[(\d{1,3})\]")]
    private static partial Regex Marker();
}

using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using SmartReader;

namespace Gateway.Tools.WebSearch.Extraction;

/// <summary>
/// The main content of a fetched page. HTML is parsed here by AngleSharp (no loader: nothing the page
/// names is fetched), SmartReader (Mozilla's Readability) picks the article out of the document it is
/// handed, never a URL, and <see cref="MarkdownWriter"/> writes what it kept. When Readability finds
/// no article, the whole body is written, less navigation and the like. Plain text is kept as it is.
/// </summary>
internal static class PageExtractor
{
    // Readability's scoring is quadratic in places; a page this large is written without it.
    private const int ReadabilityElementCap = 60_000;

    public static ExtractedPage FromHtml(byte[] body, string? charset, Uri url, int budget)
    {
        var document = Parse(body, charset);
        var (root, title, published) = Article(document, url);
        var markdown = MarkdownWriter.Write(root, url);
        return new ExtractedPage(url, Nonempty(title) ?? Nonempty(document.Title), published, Excerpt.Cut(markdown, budget));
    }

    public static ExtractedPage FromText(byte[] body, string? charset, Uri url, int budget)
    {
        var text = Decode(body, charset).Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        return new ExtractedPage(url, null, null, Excerpt.Cut(text, budget));
    }

    private static IHtmlDocument Parse(byte[] body, string? charset)
    {
        var parser = new HtmlParser();
        // A charset in the Content-Type header overrides the page's own meta tag; without one, AngleSharp reads the BOM and the meta tag.
        if (charset is not null && Encoding(charset) is { } encoding)
            return parser.ParseDocument(encoding.GetString(body));
        using var stream = new MemoryStream(body, writable: false);
        return parser.ParseDocument(stream);
    }

    private static (INode Root, string? Title, DateTimeOffset? Published) Article(IHtmlDocument document, Uri url)
    {
        IElement? content = null;
        if (document.All.Length <= ReadabilityElementCap)
        {
            // Classes are kept for the writer: a code block's language-* class names its language.
            var reader = new Reader(url.AbsoluteUri, document) { MaxElemsToParse = ReadabilityElementCap, KeepClasses = true };
            // Readability's own serialisation is HTML; its final element is what gets written.
            reader.AddCustomOperationEnd(element => content = element);
            var article = reader.GetArticle();
            // IsReadable is Readability's guess before it looks; what it kept is taken whenever it kept text.
            if (content is not null && !string.IsNullOrWhiteSpace(content.TextContent))
                return (content, article.Title, Date(article.PublicationDate));
        }

        return ((INode?)document.Body ?? document, null, null);
    }

    private static DateTimeOffset? Date(DateTime? date) => date is { Year: > 1 } d
        ? new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime())
        : null;

    private static string Decode(byte[] body, string? charset) =>
        ((charset is null ? null : Encoding(charset)) ?? System.Text.Encoding.UTF8).GetString(body).TrimStart('\uFEFF');

    /// <summary>The encoding a charset names (windows-1252 and the other legacy code pages included), or null for an unknown name.</summary>
    private static Encoding? Encoding(string charset)
    {
        var name = charset.Trim().Trim('"');
        if (CodePagesEncodingProvider.Instance.GetEncoding(name) is { } legacy)
            return legacy;
        try
        {
            return System.Text.Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string? Nonempty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

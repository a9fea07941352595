namespace Gateway.Tools.WebSearch.Extraction;

/// <summary>A fetched page as a result carries it: its own title and date (from its metadata) and its main content as Markdown, cut to the budget.</summary>
/// <param name="Url">Where the content came from, after redirects.</param>
internal sealed record ExtractedPage(Uri Url, string? Title, DateTimeOffset? Published, string Markdown);

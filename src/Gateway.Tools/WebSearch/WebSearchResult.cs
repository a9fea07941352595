namespace Gateway.Tools.WebSearch;

/// <summary>
/// One search as the dialects' native shapes need it (Anthropic's web_search_tool_result, Gemini's
/// groundingMetadata, OpenAI's url_citation): the query, and per result its title, URL, date, the
/// text a citation quotes, and what became of the page.
/// </summary>
/// <param name="Results">In the backend's order, after the domain filters, at most the request's max_results.</param>
public sealed record WebSearchResult(string Query, IReadOnlyList<WebSearchHit> Results) : ToolResult;

/// <param name="Title">The backend's title, else the page's own (from its metadata); never null, possibly empty.</param>
/// <param name="Url">As the backend gave it: what a citation links to.</param>
/// <param name="Published">The backend's date for the page, else the page's metadata's; null when neither says.</param>
/// <param name="Excerpt">The page's main content as Markdown, cut to the per-result budget; null unless <see cref="Page"/> is <see cref="PageStatus.Extracted"/>.</param>
/// <param name="Snippet">The backend's own excerpt as plain text, kept whatever became of the page; may be empty.</param>
/// <param name="PageNote">Why there is no excerpt (the guard's refusal naming the rule and host, the failure, the content type); null when extracted.</param>
public sealed record WebSearchHit(string Title, Uri Url, DateTimeOffset? Published, string? Excerpt, string Snippet, PageStatus Page, string? PageNote)
{
    /// <summary>The text a citation quotes: the excerpt, else the snippet.</summary>
    public string CitedText => Excerpt ?? Snippet;
}

public enum PageStatus
{
    /// <summary>Fetched (or taken from the page cache) and its main content extracted.</summary>
    Extracted,

    /// <summary>Not fetched: the outbound guard refused the URL or a redirect (a private address, a metadata address, a port), or a redirect left the allowed domains.</summary>
    Refused,

    /// <summary>Fetched without success: no answer in time, an error status, larger than the cap, nothing readable in it.</summary>
    Failed,

    /// <summary>The answer is neither HTML nor text (a PDF, an image): not read.</summary>
    NotText,
}

using System.Collections.Frozen;
using System.Net.Http.Headers;
using Gateway.Domain.Outbound;
using Gateway.Tools.Outbound;
using Gateway.Tools.WebSearch.Extraction;

namespace Gateway.Tools.WebSearch.Fetching;

/// <summary>How fetching one result's page went; <see cref="Page"/> is set only when it was extracted.</summary>
internal sealed record PageFetch(PageStatus Status, string? Note, ExtractedPage? Page);

/// <summary>
/// Fetches a result's page through the guarded client, and only that: every hop of up to
/// <see cref="OutboundLimits.RedirectCap"/> redirects is checked like the first, the time and size
/// caps are the operator's, and an answer that is not HTML or text is not read at all.
/// </summary>
internal sealed class PageFetcher(OutboundClient outbound, WebSearchOptions options, PageCache cache)
{
    private static readonly FrozenSet<string> Html = FrozenSet.ToFrozenSet(["text/html", "application/xhtml+xml"]);
    private static readonly FrozenSet<string> Text = FrozenSet.ToFrozenSet(["text/plain", "text/markdown"]);

    private static readonly IReadOnlyList<KeyValuePair<string, string>> Headers =
    [
        new("User-Agent", "Mozilla/5.0 (compatible; gateway-web-search)"),
        new("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9"),
    ];

    private readonly OutboundLimits _limits = new(OutboundLimits.RedirectCap, options.MaxPageBytes, TimeSpan.FromSeconds(options.FetchTimeoutSeconds))
    {
        MediaTypes = FrozenSet.ToFrozenSet(Html.Concat(Text)),
    };

    public async Task<PageFetch> FetchAsync(Uri url, DomainFilter filter, CancellationToken ct)
    {
        if (cache.Get(url) is { } cached)
            return Kept(cached, filter);
        var answer = await outbound.SendAsync(new OutboundRequest(HttpMethod.Get, url) { Headers = Headers }, _limits, ct);
        if (answer.Status != OutboundStatus.Answered)
            return new PageFetch(answer.Status == OutboundStatus.Refused ? PageStatus.Refused : PageStatus.Failed, answer.Reason, null);
        if (!answer.IsSuccess)
            return new PageFetch(PageStatus.Failed, $"the page answered {answer.Reason}", null);
        var type = MediaTypeHeaderValue.TryParse(answer.ContentType, out var parsed) ? parsed : null;
        var media = type?.MediaType?.ToLowerInvariant();
        if (media is null || !(Html.Contains(media) || Text.Contains(media)))
            return new PageFetch(PageStatus.NotText, $"{media ?? "an answer without a content type"} is not HTML or text", null);
        ExtractedPage page;
        try
        {
            page = Html.Contains(media)
                ? PageExtractor.FromHtml(answer.Body, type!.CharSet, answer.Url!, options.ExcerptCharacters)
                : PageExtractor.FromText(answer.Body, type!.CharSet, answer.Url!, options.ExcerptCharacters);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A page no parser expected must cost its own result, not the search.
            return new PageFetch(PageStatus.Failed, $"the page could not be read ({e.GetType().Name})", null);
        }

        if (string.IsNullOrWhiteSpace(page.Markdown))
            return new PageFetch(PageStatus.Failed, "the page has no text to read (it may be written by scripts)", null);
        cache.Put(url, page);
        return Kept(page, filter);
    }

    // The filters judged the URL the backend gave; a redirect may have taken the fetch elsewhere.
    private static PageFetch Kept(ExtractedPage page, DomainFilter filter) => filter.Permits(page.Url)
        ? new PageFetch(PageStatus.Extracted, null, page)
        : new PageFetch(PageStatus.Refused, $"it redirects to {OutboundUrl.Host(page.Url)}, which the domain filters leave out", null);
}

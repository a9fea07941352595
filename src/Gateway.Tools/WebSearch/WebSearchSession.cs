using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Tools.WebSearch.Backends;
using Gateway.Tools.WebSearch.Fetching;

namespace Gateway.Tools.WebSearch;

/// <summary>The searches of one client request, with that request's options.</summary>
internal sealed class WebSearchSession(ISearchBackend backend, PageFetcher fetcher, WebSearchRequest request, int concurrency, TimeProvider time) : IToolSession
{
    public async Task<ToolRun> RunAsync(JsonObject arguments, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        if (Query(arguments) is not { } query)
            return ToolRun.Invalid($"query is required: a string of 1 to {WebSearchTool.QueryCap.ToString(CultureInfo.InvariantCulture)} characters saying what to search for");
        // With filters, some of what the backend answers is dropped: ask for enough to be left with max_results.
        var wanted = request.Filter.IsEmpty ? request.MaxResults : WebSearchOptions.ResultCap;
        var answer = await backend.SearchAsync(new BackendQuery(query, wanted, request.Filter), ct);
        if (answer.Failure is not null)
            return ToolRun.Failure(answer.Failure);
        var hits = answer.Hits.Where(h => request.Filter.Permits(h.Url)).DistinctBy(h => h.Url.AbsoluteUri).Take(request.MaxResults).ToList();
        var pages = await FetchAsync(hits, ct);
        var result = new WebSearchResult(query, [.. hits.Zip(pages, Hit)]);
        return ToolRun.Success(WebSearchText.For(result), result, ToolUsage.OneCall(time.GetElapsedTime(started)));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string? Query(JsonObject arguments) =>
        arguments["query"] is JsonValue value && value.TryGetValue<string>(out var text) && text.Trim() is { Length: > 0 and <= WebSearchTool.QueryCap } query
            ? query
            : null;

    private async Task<PageFetch[]> FetchAsync(List<BackendHit> hits, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(concurrency);
        return await Task.WhenAll(hits.Select(async hit =>
        {
            await gate.WaitAsync(ct);
            try
            {
                return await fetcher.FetchAsync(hit.Url, request.Filter, ct);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private static WebSearchHit Hit(BackendHit hit, PageFetch fetch) => new(
        hit.Title.Length > 0 ? hit.Title : fetch.Page?.Title ?? "",
        hit.Url,
        hit.Published ?? fetch.Page?.Published,
        fetch.Page?.Markdown,
        hit.Snippet,
        fetch.Status,
        fetch.Note);
}

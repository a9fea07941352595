using System.Net;
using Gateway.Tools.Outbound;

namespace Gateway.Tools.WebSearch.Backends;

/// <summary>
/// A SearXNG instance (or anything answering its API): <c>GET {url}/search?q=..&amp;format=json</c>,
/// answered with <c>results: [{ url, title, content, publishedDate }]</c>. SearXNG takes no result
/// count; the caller keeps the first ones.
/// </summary>
internal sealed class SearxngBackend(Uri baseUrl, string? apiKey, BackendClient client) : ISearchBackend
{
    private static readonly HitFields Fields = new("title", "url", "content", "publishedDate");

    public async Task<BackendAnswer> SearchAsync(BackendQuery query, CancellationToken ct)
    {
        var url = BackendClient.Endpoint(baseUrl, "/search", $"?q={Uri.EscapeDataString(query.Text)}&format=json");
        List<KeyValuePair<string, string>> headers = [new("Accept", "application/json")];
        if (!string.IsNullOrWhiteSpace(apiKey))
            headers.Add(new("Authorization", $"Bearer {apiKey}"));
        var (json, failure) = await client.SendAsync(new OutboundRequest(HttpMethod.Get, url) { Headers = headers }, Hint, ct);
        if (failure is not null)
            return BackendAnswer.Failed(failure);
        return BackendClient.Hits(json, "results", Fields);
    }

    // SearXNG answers 403 to a format its settings.yml does not list.
    private static string? Hint(HttpStatusCode status) =>
        status == HttpStatusCode.Forbidden ? "enable the json format in its settings.yml: search: formats: [html, json]" : BackendClient.CommonHint(status);
}

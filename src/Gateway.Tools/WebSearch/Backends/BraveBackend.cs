using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Tools.Outbound;

namespace Gateway.Tools.WebSearch.Backends;

/// <summary>
/// Brave's Web Search API: <c>GET {url}/res/v1/web/search?q=..&amp;count=N</c> (20 at most) with the
/// key in <c>X-Subscription-Token</c>, answered with <c>web.results: [{ title, url, description, page_age }]</c>
/// (the description marks matches with &lt;strong&gt;).
/// </summary>
internal sealed class BraveBackend(Uri baseUrl, string apiKey, BackendClient client) : ISearchBackend
{
    private static readonly HitFields Fields = new("title", "url", "description", "page_age");

    private const int CountCap = 20;

    public async Task<BackendAnswer> SearchAsync(BackendQuery query, CancellationToken ct)
    {
        var count = Math.Clamp(query.Count, 1, CountCap).ToString(CultureInfo.InvariantCulture);
        var url = BackendClient.Endpoint(baseUrl, "/res/v1/web/search", $"?q={Uri.EscapeDataString(query.Text)}&count={count}");
        var request = new OutboundRequest(HttpMethod.Get, url) { Headers = [new("Accept", "application/json"), new("X-Subscription-Token", apiKey)] };
        var (json, failure) = await client.SendAsync(request, BackendClient.CommonHint, ct);
        if (failure is not null)
            return BackendAnswer.Failed(failure);
        var web = json is JsonObject answer ? answer["web"] : null;
        return BackendClient.Hits(web, "results", Fields);
    }
}

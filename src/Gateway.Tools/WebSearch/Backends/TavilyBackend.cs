using System.Text.Json.Nodes;
using Gateway.Tools.Outbound;

namespace Gateway.Tools.WebSearch.Backends;

/// <summary>
/// Tavily's search API: <c>POST {url}/search</c> with the key as a bearer token and a JSON body
/// (<c>query</c>, <c>max_results</c> up to 20, <c>include_domains</c> / <c>exclude_domains</c>, which
/// Tavily applies itself), answered with <c>results: [{ title, url, content, published_date }]</c>.
/// </summary>
internal sealed class TavilyBackend(Uri baseUrl, string apiKey, BackendClient client) : ISearchBackend
{
    private static readonly HitFields Fields = new("title", "url", "content", "published_date");

    private const int CountCap = 20;

    public async Task<BackendAnswer> SearchAsync(BackendQuery query, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["query"] = query.Text,
            ["max_results"] = Math.Clamp(query.Count, 1, CountCap),
            ["search_depth"] = "basic",
            ["include_answer"] = false,
            ["include_raw_content"] = false,
        };
        if (query.Filter.Allowed.Count > 0)
            body["include_domains"] = new JsonArray([.. query.Filter.Allowed.Select(d => JsonValue.Create(d))]);
        if (query.Filter.Blocked.Count > 0)
            body["exclude_domains"] = new JsonArray([.. query.Filter.Blocked.Select(d => JsonValue.Create(d))]);
        var request = new OutboundRequest(HttpMethod.Post, BackendClient.Endpoint(baseUrl, "/search"))
        {
            Body = System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()),
            Headers = [new("Accept", "application/json"), new("Authorization", $"Bearer {apiKey}")],
        };
        var (json, failure) = await client.SendAsync(request, BackendClient.CommonHint, ct);
        if (failure is not null)
            return BackendAnswer.Failed(failure);
        return BackendClient.Hits(json, "results", Fields);
    }
}

namespace Gateway.Tools.WebSearch.Backends;

/// <param name="DefaultUrl">The public API's base URL; null when the operator must name one.</param>
/// <param name="ApiKeyName">What the api_key is to this backend, when it needs one.</param>
internal sealed record SearchBackendKind(string Name, string? DefaultUrl, string? ApiKeyName, Func<Uri, string?, BackendClient, ISearchBackend> Create);

/// <summary>Every backend <c>tools.web_search.backend</c> may name: adding one is adding it here.</summary>
internal static class SearchBackends
{
    public static SearchBackendKind Searxng { get; } = new("searxng", null, null, (url, key, client) => new SearxngBackend(url, key, client));

    public static SearchBackendKind Brave { get; } = new("brave", "https://api.search.brave.com", "its X-Subscription-Token", (url, key, client) => new BraveBackend(url, key!, client));

    public static SearchBackendKind Tavily { get; } = new("tavily", "https://api.tavily.com", "its tvly- API key", (url, key, client) => new TavilyBackend(url, key!, client));

    public static IReadOnlyList<SearchBackendKind> All { get; } = [Searxng, Brave, Tavily];

    public static SearchBackendKind? Find(string name) => All.FirstOrDefault(b => b.Name == name);
}

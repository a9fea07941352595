using System.Text.Json.Nodes;
using Gateway.Tools.Outbound;
using Gateway.Tools.WebSearch.Backends;
using Gateway.Tools.WebSearch.Fetching;

namespace Gateway.Tools.WebSearch;

/// <summary>
/// <c>gateway_web_search</c>: asks the configured backend (<see cref="SearchBackends"/>), keeps the
/// results the request's domain filters permit, fetches their pages through the guarded client
/// and gives the model each page's main content as Markdown. One instance per gateway: the page
/// cache is shared by every request.
/// </summary>
public sealed class WebSearchTool : IGatewayTool
{
    public const string ToolName = "gateway_web_search";

    /// <summary>What the function is, for the model.</summary>
    public const string Description =
        "Search the web. Returns the top results, each with its title, URL, date when known, and the main text of the page as Markdown.";

    /// <summary>Brave's own limit on a query; longer ones are refused before any call.</summary>
    public const int QueryCap = 400;

    private readonly WebSearchOptions _options;
    private readonly TimeProvider _time;
    private readonly ISearchBackend? _backend;
    private readonly PageFetcher? _fetcher;

    /// <param name="time">Ages the page cache; the client's own clock times its calls.</param>
    public WebSearchTool(WebSearchOptions options, OutboundClient outbound, TimeProvider time)
    {
        _options = options;
        _time = time;
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            Availability = ToolAvailability.Unavailable($"{WebSearchOptions.Section} is misconfigured: {string.Join("; ", errors)}");
            return;
        }

        Availability = ToolAvailability.Available;
        var kind = SearchBackends.Find(options.Backend)!;
        var url = WebSearchOptions.BaseUrl(options.Url ?? kind.DefaultUrl!)!;
        _backend = kind.Create(url, options.ApiKey, new BackendClient(outbound, kind.Name, TimeSpan.FromSeconds(options.BackendTimeoutSeconds)));
        _fetcher = new PageFetcher(outbound, options, new PageCache(options.CacheEntries, TimeSpan.FromMinutes(options.CacheMinutes), time));
    }

    public string Name => ToolName;

    public ToolAvailability Availability { get; }

    public JsonObject ParametersSchema => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["query"] = new JsonObject
            {
                ["type"] = "string",
                ["description"] = "What to search for, as one would type it into a search engine.",
                ["maxLength"] = QueryCap,
            },
        },
        ["required"] = new JsonArray("query"),
        ["additionalProperties"] = false,
    };

    public IToolSession OpenSession(JsonObject? requestOptions) => _backend is null || _fetcher is null
        ? new UnavailableSession(Availability.Reason!)
        : new WebSearchSession(_backend, _fetcher, WebSearchRequest.Parse(requestOptions, _options), _options.FetchConcurrency, _time);

    /// <summary>A misconfigured tool's session: every run fails with the reason, and costs nothing.</summary>
    private sealed class UnavailableSession(string reason) : IToolSession
    {
        public Task<ToolRun> RunAsync(JsonObject arguments, CancellationToken ct) => Task.FromResult(ToolRun.Failure($"web search is unavailable: {reason}"));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

using System.Globalization;
using Gateway.Tools.WebSearch.Backends;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tools.WebSearch;

/// <summary>
/// The operator's <c>tools.web_search</c> section, bound from YAML by the key names below. Every limit
/// has a default and a range; <see cref="Validate"/> names each setting that is out of it.
/// </summary>
public sealed record WebSearchOptions
{
    public const string Section = "tools.web_search";

    /// <summary>Read by the Host to decide whether to offer the tool at all; the tool itself ignores it.</summary>
    public bool Enabled { get; init; }

    /// <summary>searxng (the default), brave or tavily: see <see cref="SearchBackends"/>.</summary>
    public string Backend { get; init; } = SearchBackends.Searxng.Name;

    /// <summary>The backend's base URL: required for searxng; brave and tavily default to their public APIs.</summary>
    public string? Url { get; init; }

    /// <summary>Brave's X-Subscription-Token, Tavily's tvly- key; for searxng, sent as a bearer token when set (an instance behind an authenticating proxy).</summary>
    [ConfigurationKeyName("api_key")]
    public string? ApiKey { get; init; }

    /// <summary>Results per search, and the most a request's own max_results may ask for.</summary>
    [ConfigurationKeyName("max_results")]
    public int MaxResults { get; init; } = 5;

    /// <summary>The per-result budget: characters of extracted Markdown each result carries, cut at a paragraph where one is near.</summary>
    [ConfigurationKeyName("excerpt_characters")]
    public int ExcerptCharacters { get; init; } = 4000;

    /// <summary>Pages of one search fetched at the same time.</summary>
    [ConfigurationKeyName("fetch_concurrency")]
    public int FetchConcurrency { get; init; } = 4;

    /// <summary>Time for one page, redirects included.</summary>
    [ConfigurationKeyName("fetch_timeout_seconds")]
    public int FetchTimeoutSeconds { get; init; } = 10;

    /// <summary>A longer page is not read on: the result keeps the backend's snippet.</summary>
    [ConfigurationKeyName("max_page_bytes")]
    public long MaxPageBytes { get; init; } = PageBytesCap;

    /// <summary>Time for the search backend's answer.</summary>
    [ConfigurationKeyName("backend_timeout_seconds")]
    public int BackendTimeoutSeconds { get; init; } = 10;

    /// <summary>How long an extracted page is reused for the same URL; 0: no cache.</summary>
    [ConfigurationKeyName("cache_minutes")]
    public int CacheMinutes { get; init; } = 10;

    /// <summary>Pages the cache holds at most; the least recently used goes first.</summary>
    [ConfigurationKeyName("cache_entries")]
    public int CacheEntries { get; init; } = 256;

    /// <summary>Domains never returned nor fetched, whatever a request says (each with its subdomains).</summary>
    [ConfigurationKeyName("blocked_domains")]
    public IReadOnlyList<string> BlockedDomains { get; init; } = [];

    public const int ResultCap = 20;

    public const long PageBytesCap = 5 * 1024 * 1024;

    /// <summary>Every setting that cannot work, each naming its key; empty when the tool can run.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var backend = SearchBackends.Find(Backend);
        if (backend is null)
            errors.Add($"{Section}.backend '{Backend}' is not a backend; use {string.Join(", ", SearchBackends.All.Select(b => b.Name))}");
        if (Url is null && backend is { DefaultUrl: null })
            errors.Add($"{Section}.url is required for {backend.Name}: the address of the instance, e.g. http://searxng:8080");
        if (Url is not null && BaseUrl(Url) is null)
            errors.Add($"{Section}.url '{Url}' must be an absolute http or https URL without a user name, password, query or fragment");
        if (backend is { ApiKeyName: { } keyName } && string.IsNullOrWhiteSpace(ApiKey))
            errors.Add($"{Section}.api_key is required for {backend.Name} ({keyName})");
        Range(errors, "max_results", MaxResults, 1, ResultCap);
        Range(errors, "excerpt_characters", ExcerptCharacters, 200, 100_000);
        Range(errors, "fetch_concurrency", FetchConcurrency, 1, 16);
        Range(errors, "fetch_timeout_seconds", FetchTimeoutSeconds, 1, 120);
        Range(errors, "max_page_bytes", MaxPageBytes, 1024, PageBytesCap);
        Range(errors, "backend_timeout_seconds", BackendTimeoutSeconds, 1, 120);
        Range(errors, "cache_minutes", CacheMinutes, 0, 24 * 60);
        Range(errors, "cache_entries", CacheEntries, 1, 100_000);
        for (var i = 0; i < BlockedDomains.Count; i++)
        {
            if (DomainFilter.ParseEntry(BlockedDomains[i]).Error is { } error)
                errors.Add($"{Section}.blocked_domains[{i}] '{BlockedDomains[i]}' {error}");
        }

        return errors;
    }

    /// <summary>The URL the backend's paths are put after, without a trailing slash; null when it is not one.</summary>
    internal static Uri? BaseUrl(string text) =>
        Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            && url.UserInfo.Length == 0 && url.Query.Length == 0 && url.Fragment.Length == 0
            ? url
            : null;

    private static void Range(List<string> errors, string key, long value, long min, long max)
    {
        if (value < min || value > max)
            errors.Add($"{Section}.{key} must be {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not {value.ToString(CultureInfo.InvariantCulture)}");
    }
}

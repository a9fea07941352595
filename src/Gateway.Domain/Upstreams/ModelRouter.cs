namespace Gateway.Domain.Upstreams;

/// <summary>One place a model can be served: a provider instance and the model name it knows.</summary>
public sealed record RouteTarget(string Provider, string Model)
{
    public override string ToString() => $"{Provider}:{Model}";
}

/// <summary>What the router knows of one provider instance.</summary>
/// <param name="Models">Models it declares or discovered; empty means "whatever it is asked for".</param>
public sealed record RoutableProvider(string Name, IReadOnlyCollection<string> Models);

/// <summary>
/// Turns the model a client asked for into an ordered list of targets to try:
/// <c>provider:model</c> and <c>provider/model</c> name one directly; a bare name goes through the aliases
/// (an alias may be a fallback chain, tried in order), then through the providers that list it.
/// </summary>
public sealed class ModelRouter(IReadOnlyList<RoutableProvider> providers, IReadOnlyDictionary<string, IReadOnlyList<string>> aliases)
{
    private const int MaxAliasDepth = 8;
    private readonly Dictionary<string, RoutableProvider> _byName = providers.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <returns>The targets in order, or an explanation when the name leads nowhere.</returns>
    public (IReadOnlyList<RouteTarget> Targets, string? Error) Resolve(string requested)
    {
        var targets = new List<RouteTarget>();
        var error = Expand(requested.Trim(), targets, depth: 0);
        return targets.Count > 0
            ? ([.. targets.Distinct()], null)
            : ([], error ?? $"model '{requested}' is not served by any provider");
    }

    /// <summary>
    /// The targets of a name that their providers list: what a lookup of the name may show. A request for a
    /// <c>provider:model</c> its provider does not list is still tried (the list may be stale); a lookup does
    /// not vouch for it.
    /// </summary>
    public IReadOnlyList<RouteTarget> Listed(string requested) =>
        [.. Resolve(requested).Targets.Where(t => _byName[t.Provider].Models.Contains(t.Model, StringComparer.OrdinalIgnoreCase))];

    private string? Expand(string name, List<RouteTarget> into, int depth)
    {
        if (name.Length == 0)
            return "model must not be empty";
        if (depth > MaxAliasDepth)
            return $"alias '{name}' refers back to itself";
        if (aliases.TryGetValue(name, out var chain))
        {
            string? firstError = null;
            foreach (var entry in chain)
                firstError ??= Expand(entry, into, depth + 1);
            return firstError;
        }

        if (Direct(name) is { } direct)
        {
            into.Add(direct);
            return null;
        }

        var servers = providers.Where(p => p.Models.Contains(name, StringComparer.OrdinalIgnoreCase)).ToList();
        into.AddRange(servers.Select(p => new RouteTarget(p.Name, name)));
        return servers.Count == 0 ? $"model '{name}' is not served by any provider; name one as provider:model" : null;
    }

    /// <summary>
    /// <c>groq:llama-3.1-8b</c> or <c>groq/llama-3.1-8b</c>. A slash only counts when what precedes it is a
    /// provider instance: OpenRouter's <c>meta-llama/llama-3</c> is a model name.
    /// </summary>
    private RouteTarget? Direct(string name)
    {
        foreach (var separator in new[] { ':', '/' })
        {
            var at = name.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0 && at < name.Length - 1 && _byName.TryGetValue(name[..at], out var provider))
                return new RouteTarget(provider.Name, name[(at + 1)..]);
        }

        return null;
    }
}

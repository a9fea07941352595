using Gateway.Domain.Upstreams;

namespace Gateway.Domain.Pricing;

/// <summary>
/// Every known price version, answering "what did this model cost at that moment". Immutable: a
/// change builds a new book, so readers on the request path never take a lock.
/// </summary>
public sealed class PriceBook
{
    private readonly Dictionary<string, ModelPrice[]> _versions;

    public PriceBook(IEnumerable<ModelPrice> versions)
    {
        _versions = versions
            .GroupBy(v => v.Model, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.OrderBy(v => v.Source).ThenBy(v => v.EffectiveAt).ToArray(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Names with at least one version.</summary>
    public IEnumerable<string> Models => _versions.Keys;

    /// <summary>
    /// The price in force for <paramref name="model"/> on <paramref name="provider"/> at <paramref name="at"/>:
    /// a <c>provider:model</c> entry first, then the bare model name, then the model family a dated
    /// name extends (<c>gpt-4o-2024-08-06</c> takes <c>gpt-4o</c>'s price). Within one name the highest
    /// source with a version in force wins, and of its versions the latest in force.
    /// </summary>
    public ModelPrice? PriceAt(string provider, string model, DateTimeOffset at)
    {
        foreach (var name in Candidates(provider, model))
        {
            if (_versions.TryGetValue(name, out var versions) && InForce(versions, at) is { } price)
                return price;
        }

        return null;
    }

    /// <summary>The version in force for exactly this name (no provider or family fallback).</summary>
    public ModelPrice? InForceFor(string name, DateTimeOffset at) =>
        _versions.TryGetValue(name, out var versions) ? InForce(versions, at) : null;

    /// <summary>All versions of one name, every source, oldest first within each source.</summary>
    public IReadOnlyList<ModelPrice> History(string name) => _versions.GetValueOrDefault(name) ?? [];

    private IEnumerable<string> Candidates(string provider, string model)
    {
        var scoped = provider + ":" + model;
        yield return scoped;
        yield return model;
        if (ModelFamily.Of(scoped, _versions.Keys) is { } scopedFamily)
            yield return scopedFamily;
        if (ModelFamily.Of(model, _versions.Keys) is { } family)
            yield return family;
    }

    private static ModelPrice? InForce(ModelPrice[] versions, DateTimeOffset at)
    {
        ModelPrice? best = null;
        foreach (var version in versions)
        {
            // Sorted by source, then time: a later match is a higher source or a later version of the same one.
            if (version.EffectiveAt <= at && (best is null || version.Source >= best.Source))
                best = version;
        }

        return best;
    }
}

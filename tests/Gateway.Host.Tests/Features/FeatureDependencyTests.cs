using System.Text.RegularExpressions;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features;

/// <summary>
/// The feature folders of src/Gateway.Host depend on each other one way (README, Architecture). Each feature has
/// its own namespace, so it can reach another only by naming that namespace: a using, a fully qualified name, or
/// a name qualified from Gateway.Host.Features (<c>Budgets.BudgetLedger</c>). The sources therefore tell the
/// whole graph.
/// </summary>
public sealed class FeatureDependencyTests
{
    private static readonly string Features = RepositoryFiles.PathOf("src/Gateway.Host/Features");

    [Fact]
    public void Should_depend_on_each_other_one_way_with_no_feature_reaching_back()
    {
        var graph = Graph();

        // The scan sees dependencies at all: the inference core calls upstreams, which read the providers.
        Assert.Contains("Upstreams", graph["Inference"]);
        Assert.Contains("Providers", graph["Upstreams"]);
        var cycles = graph.Keys.Order(StringComparer.Ordinal).Select(f => CycleThrough(f, graph)).OfType<string>().ToList();
        Assert.True(cycles.Count == 0, "features in a circle: " + string.Join("; ", cycles));
    }

    /// <summary>Each feature folder and the other features its code names.</summary>
    private static Dictionary<string, HashSet<string>> Graph()
    {
        var names = Directory.GetDirectories(Features).Select(d => Path.GetFileName(d)).ToList();
        return names.ToDictionary(
            name => name,
            name => Directory.EnumerateFiles(Path.Combine(Features, name), "*.cs", SearchOption.AllDirectories)
                .Select(File.ReadAllText)
                .SelectMany(source => names.Where(other => other != name && Names(source, other)))
                .ToHashSet());
    }

    private static bool Names(string source, string feature) =>
        Regex.IsMatch(source, $@"Gateway\.Host\.Features\.{feature}\b|(^|[^.\w]){feature}\.[A-Z]", RegexOptions.Multiline);

    /// <summary>A path from <paramref name="start"/> back to itself, as "A -> B -> A", or null when there is none.</summary>
    private static string? CycleThrough(string start, Dictionary<string, HashSet<string>> graph)
    {
        var path = new List<string> { start };
        var visited = new HashSet<string>();
        return Walk(start);

        string? Walk(string node)
        {
            foreach (var next in graph[node].Order(StringComparer.Ordinal))
            {
                if (next == start)
                    return string.Join(" -> ", path.Append(start));
                if (!visited.Add(next))
                    continue;
                path.Add(next);
                if (Walk(next) is { } cycle)
                    return cycle;
                path.RemoveAt(path.Count - 1);
            }

            return null;
        }
    }
}

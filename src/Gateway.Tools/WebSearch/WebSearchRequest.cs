using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Tools.WebSearch;

/// <summary>
/// The options of one request's tool entry: <c>max_results</c> (1 or more; above the operator's
/// maximum it is lowered to it), <c>allowed_domains</c> and <c>blocked_domains</c> (lists of domains,
/// see <see cref="DomainFilter"/>; the operator's blocked domains are added); an option set to null
/// is as if absent. Other keys belong to
/// the caller (the entry's type and name, a loop's limits) and are left alone.
/// </summary>
internal sealed record WebSearchRequest(int MaxResults, DomainFilter Filter)
{
    public const int DomainListCap = 100;

    /// <exception cref="ToolOptionsException">An option is malformed.</exception>
    public static WebSearchRequest Parse(JsonObject? options, WebSearchOptions operatorOptions)
    {
        var operatorBlocked = operatorOptions.BlockedDomains.Select(d => DomainFilter.ParseEntry(d).Domain).OfType<string>();
        var max = operatorOptions.MaxResults;
        if (options?["max_results"] is { } node)
        {
            if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<int>(out var asked) || asked < 1)
                throw new ToolOptionsException("max_results", "must be a positive integer");
            max = Math.Min(asked, max);
        }

        var allowed = Domains(options, "allowed_domains");
        var blocked = Domains(options, "blocked_domains");
        return new WebSearchRequest(max, new DomainFilter(allowed, [.. blocked.Concat(operatorBlocked).Distinct(StringComparer.Ordinal)]));
    }

    private static List<string> Domains(JsonObject? options, string name)
    {
        if (options?[name] is not { } node)
            return [];
        if (node is not JsonArray list)
            throw new ToolOptionsException(name, "must be a list of domain names, e.g. [\"example.com\"]");
        if (list.Count > DomainListCap)
            throw new ToolOptionsException(name, $"may hold at most {DomainListCap.ToString(CultureInfo.InvariantCulture)} domains");
        var domains = new List<string>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"{name}[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (list[i] is not JsonValue value || !value.TryGetValue<string>(out var text))
                throw new ToolOptionsException(at, "must be a domain name in a string");
            var (domain, error) = DomainFilter.ParseEntry(text);
            if (domain is null)
                throw new ToolOptionsException(at, $"'{text}' {error}");
            domains.Add(domain);
        }

        return domains;
    }
}

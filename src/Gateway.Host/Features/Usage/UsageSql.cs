using System.Globalization;
using Npgsql;

namespace Gateway.Host.Features.Usage;

/// <summary>
/// The where clause of a usage read, holding only the filters given: the planner then sees plainly
/// which index fits (by organization, user, key, or time alone).
/// </summary>
internal sealed class UsageSql(NpgsqlCommand cmd)
{
    private readonly List<string> _conditions = [];

    /// <summary>The filters both usage_records and usage_daily can answer (their columns share names), but the owner's.</summary>
    public static UsageSql For(NpgsqlCommand cmd, UsageFilter filter) => new UsageSql(cmd)
        .Add("provider = {0}", filter.Provider)
        .Add("model = {0}", filter.Model);

    /// <summary>Adds the condition when every value is given; {0}, {1}… stand for the values.</summary>
    public UsageSql Add(string condition, params object?[] values)
    {
        if (values.Any(v => v is null))
            return this;
        _conditions.Add(string.Format(CultureInfo.InvariantCulture, condition, [.. values.Select(v => Parameter(v!))]));
        return this;
    }

    /// <summary>The next positional parameter, for what follows the where clause.</summary>
    public string Parameter(object value)
    {
        cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        return $"${cmd.Parameters.Count}";
    }

    public string Where => _conditions.Count == 0 ? "" : "where " + string.Join(" and ", _conditions);
}

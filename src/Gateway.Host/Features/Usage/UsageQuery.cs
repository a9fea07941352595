using System.Globalization;
using Gateway.Host.Http;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Host.Features.Usage;

/// <summary>Filters every usage read takes (rows and summaries); described in <see cref="UsageDocs"/>.</summary>
internal sealed record UsageFilterParameters(
    [FromQuery(Name = "from")] string? From,
    [FromQuery(Name = "to")] string? To,
    [FromQuery(Name = "org_id")] string? OrgId,
    [FromQuery(Name = "key_id")] string? KeyId,
    [FromQuery(Name = "provider")] string? Provider,
    [FromQuery(Name = "model")] string? Model,
    [FromQuery(Name = "format")] string? Format);

/// <summary>What only individual rows can be filtered and paged by: the daily aggregates do not keep it.</summary>
internal sealed record UsageRowParameters(
    [FromQuery(Name = "status")] string? Status,
    [FromQuery(Name = "errors_only")] string? ErrorsOnly,
    [FromQuery(Name = "dialect")] string? Dialect,
    [FromQuery(Name = "endpoint")] string? Endpoint,
    [FromQuery(Name = "cursor")] string? Cursor,
    [FromQuery(Name = "limit")] string? Limit)
{
    public static readonly string[] Names = ["status", "errors_only", "dialect", "endpoint", "cursor", "limit"];
}

internal enum UsageFormat
{
    Json,
    Csv,
}

/// <summary>A validated usage read, before the caller's tenancy narrows it (<see cref="UsageAccess"/>).</summary>
/// <param name="To">Exclusive: the range is [From, To).</param>
internal sealed record UsageFilter(
    DateTimeOffset? From, DateTimeOffset? To, string? OrgId, string? UserId, string? KeyId, string? Provider, string? Model,
    int? Status = null, bool ErrorsOnly = false, string? Dialect = null, string? Endpoint = null);

/// <summary>What a summary can be grouped by, and the column of <c>usage_daily</c> holding it.</summary>
internal sealed record UsageDimension(string Name, string Column)
{
    public static readonly IReadOnlyList<UsageDimension> All =
    [
        new("day", "day"), new("org", "org_id"), new("user", "user_id"), new("key", "key_id"), new("provider", "provider"), new("model", "model"),
    ];
}

/// <summary>The position after the last row of a page: rows are ordered by (at, id), newest first.</summary>
internal readonly record struct UsageCursor(DateTimeOffset At, Guid Id)
{
    public override string ToString() => $"{At.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{Id:N}";

    public static UsageCursor? Parse(string text)
    {
        var parts = text.Split(':');
        return parts.Length == 2
               && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
               && ticks <= DateTimeOffset.MaxValue.UtcTicks
               && Guid.TryParseExact(parts[1], "N", out var id)
            ? new UsageCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id)
            : null;
    }
}

/// <summary>Reads and checks usage query parameters; every problem is collected by field, nothing is guessed.</summary>
internal static class UsageQuery
{
    public const int MaxGroups = 10_000;

    private static readonly string[] Instants =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd"];

    public static UsageFilter Rows(UsageFilterParameters query, UsageRowParameters rows, string? userId, FieldErrors errors)
    {
        var filter = Common(query, userId, errors, wholeDays: false);
        var status = Integer(rows.Status, "status", errors);
        if (status is not (null or (>= 100 and <= 599)))
            errors.Add("status", "must be an HTTP status, 100 to 599");
        var errorsOnly = false;
        if (rows.ErrorsOnly is not null && !bool.TryParse(rows.ErrorsOnly, out errorsOnly))
            errors.Add("errors_only", "must be true or false");
        return filter with
        {
            Status = status, ErrorsOnly = errorsOnly, Dialect = Text(rows.Dialect, "dialect", errors), Endpoint = Text(rows.Endpoint, "endpoint", errors),
        };
    }

    /// <param name="given">The query parameters present: row-only filters would be silently ignored by a summary, so they are refused.</param>
    public static UsageFilter Summary(UsageFilterParameters query, string? userId, IEnumerable<string> given, FieldErrors errors)
    {
        foreach (var name in given.Where(g => UsageRowParameters.Names.Contains(g, StringComparer.OrdinalIgnoreCase)))
            errors.Add(name, "is not kept in the daily aggregates a summary reads; filter rows at /v1/usage instead");
        return Common(query, userId, errors, wholeDays: true);
    }

    /// <summary>Comma-separated dimensions, each at most once; day when none is given.</summary>
    public static IReadOnlyList<UsageDimension> GroupBy(string? text, FieldErrors errors)
    {
        if (text is null)
            return [UsageDimension.All[0]];
        var names = text.Split(',', StringSplitOptions.TrimEntries);
        var dimensions = names.Select(n => UsageDimension.All.FirstOrDefault(d => d.Name == n)).ToList();
        if (dimensions.Contains(null) || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            errors.Add("group_by", $"must be one or more of {string.Join(", ", UsageDimension.All.Select(d => d.Name))}, comma-separated, each once");
        return [.. dimensions.OfType<UsageDimension>()];
    }

    public static UsageFormat Format(string? format, IEnumerable<string?> accept, FieldErrors errors)
    {
        switch (format)
        {
            case "json":
                return UsageFormat.Json;
            case "csv":
                return UsageFormat.Csv;
            case null:
                return accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true) ? UsageFormat.Csv : UsageFormat.Json;
            default:
                errors.Add("format", "must be json or csv");
                return UsageFormat.Json;
        }
    }

    /// <summary>A page of rows as json, or every row as csv: a cursor or a limit means nothing to the stream.</summary>
    public static (Paging Paging, UsageCursor? After) Page(UsageRowParameters rows, UsageFormat format, FieldErrors errors)
    {
        if (format == UsageFormat.Csv)
        {
            foreach (var (value, name) in new[] { (rows.Cursor, "cursor"), (rows.Limit, "limit") })
            {
                if (value is not null)
                    errors.Add(name, "does not apply to csv, which streams every matching row; narrow it with from and to");
            }

            return (new Paging(null, Paging.DefaultLimit), null);
        }

        var paging = Paging.Parse(rows.Cursor, Integer(rows.Limit, "limit", errors), errors);
        if (paging.After is null)
            return (paging, null);
        var after = UsageCursor.Parse(paging.After);
        if (after is null)
            errors.Add("cursor", "is not a cursor this API returned");
        return (paging, after);
    }

    private static UsageFilter Common(UsageFilterParameters query, string? userId, FieldErrors errors, bool wholeDays)
    {
        var from = Instant(query.From, "from", wholeDays, errors);
        var to = Instant(query.To, "to", wholeDays, errors);
        if (from >= to)
            errors.Add("to", "must be after from: the range is [from, to)");
        return new UsageFilter(
            from, to, Text(query.OrgId, "org_id", errors), Text(userId, "user_id", errors), Text(query.KeyId, "key_id", errors),
            Text(query.Provider, "provider", errors), Text(query.Model, "model", errors));
    }

    private static DateTimeOffset? Instant(string? text, string field, bool wholeDays, FieldErrors errors)
    {
        if (text is null)
            return null;
        if (!DateTimeOffset.TryParseExact(text, Instants, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            errors.Add(field, "must be an RFC 3339 time (2025-09-01T08:00:00Z, or an offset written %2B02:00 in a URL) or a date (2025-09-01)");
            return null;
        }

        if (wholeDays && value.TimeOfDay != TimeSpan.Zero)
            errors.Add(field, "must be a whole UTC day (2025-09-01 or 2025-09-01T00:00:00Z): a summary reads aggregates kept per UTC day");
        return value;
    }

    private static int? Integer(string? text, string field, FieldErrors errors)
    {
        if (text is null)
            return null;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            return value;
        errors.Add(field, "must be a whole number");
        return null;
    }

    private static string? Text(string? text, string field, FieldErrors errors)
    {
        if (text is not null && string.IsNullOrWhiteSpace(text))
            errors.Add(field, "must not be empty; leave it out to not filter by it");
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }
}

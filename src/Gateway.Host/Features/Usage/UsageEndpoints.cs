using Gateway.Host.Features.Auth;
using Gateway.Host.Http;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Gateway.Host.Features.Usage;

/// <summary>
/// <c>/v1/usage</c>: what was asked of the gateway, by whom, and what it cost. Rows come from
/// usage_records (one per request, until retention deletes them); the summary is a separate operation
/// because it answers from usage_daily (per UTC day, kept forever), in whole days, with another shape.
/// </summary>
internal static class UsageEndpoints
{
    public static void MapUsage(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Usage");
        group.MapGet("/usage", ListAsync).WithName("listUsage")
            .WithSummary("Usage records, one per request, newest first (json pages or a csv stream)").WithDescription(UsageDocs.Rows)
            .Produces<ListResponse<UsageRow>>().WithManagementProblems().WithUsageDocs();
        group.MapGet("/usage/summary", SummarizeAsync).WithName("summarizeUsage")
            .WithSummary("Requests, errors, tokens and cost per day, organization, user, key, provider or model (or several), with totals").WithDescription(UsageDocs.Summary)
            .Produces<UsageSummaryResponse>().WithManagementProblems().WithUsageDocs();
        group.MapGet("/users/{id}/usage", ListForUserAsync).WithName("listUserUsage")
            .WithSummary("One user's usage records (members: only their own)").WithDescription(UsageDocs.Rows)
            .Produces<ListResponse<UsageRow>>().WithManagementProblems().WithUsageDocs();
        group.MapGet("/users/{id}/usage/summary", SummarizeForUserAsync).WithName("summarizeUserUsage")
            .WithSummary("One user's usage per group, with totals (members: only their own)").WithDescription(UsageDocs.Summary)
            .Produces<UsageSummaryResponse>().WithManagementProblems().WithUsageDocs();
    }

    private static Task<IResult> ListAsync(
        HttpContext context, NpgsqlDataSource db, [AsParameters] UsageFilterParameters filters, [AsParameters] UsageRowParameters rows,
        [FromQuery(Name = "user_id")] string? userId, CancellationToken ct) =>
        RowsAsync(context, db, filters, rows, userId, ct);

    private static Task<IResult> ListForUserAsync(
        string id, HttpContext context, NpgsqlDataSource db, [AsParameters] UsageFilterParameters filters, [AsParameters] UsageRowParameters rows, CancellationToken ct) =>
        RowsAsync(context, db, filters, rows, id, ct);

    private static Task<IResult> SummarizeAsync(
        HttpContext context, NpgsqlDataSource db, [AsParameters] UsageFilterParameters filters, [FromQuery(Name = "group_by")] string? groupBy,
        [FromQuery(Name = "user_id")] string? userId, CancellationToken ct) =>
        SummaryAsync(context, db, filters, groupBy, userId, ct);

    private static Task<IResult> SummarizeForUserAsync(
        string id, HttpContext context, NpgsqlDataSource db, [AsParameters] UsageFilterParameters filters, [FromQuery(Name = "group_by")] string? groupBy,
        CancellationToken ct) =>
        SummaryAsync(context, db, filters, groupBy, id, ct);

    private static async Task<IResult> RowsAsync(
        HttpContext context, NpgsqlDataSource db, UsageFilterParameters filters, UsageRowParameters rows, string? userId, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var filter = UsageQuery.Rows(filters, rows, userId, errors);
        var format = UsageQuery.Format(filters.Format, context.Request.Headers.Accept, errors);
        var (paging, after) = UsageQuery.Page(rows, format, errors);
        (filter, var refusal) = await AdmitAsync(context, db, filter, errors, ct);
        if (refusal is not null)
            return refusal;
        if (format == UsageFormat.Csv)
            return UsageCsv.Result("usage.csv", UsageCsv.ColumnsOf<UsageRow>(), UsageRows.AllAsync(db, filter, ct));
        var page = await UsageRows.ReadAsync(db, filter, after, paging.Fetch, ct);
        return TypedResults.Ok(paging.Page(page, r => new UsageCursor(r.At, r.Id).ToString(), r => r));
    }

    private static async Task<IResult> SummaryAsync(
        HttpContext context, NpgsqlDataSource db, UsageFilterParameters filters, string? groupBy, string? userId, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var filter = UsageQuery.Summary(filters, userId, context.Request.Query.Keys, errors);
        var dimensions = UsageQuery.GroupBy(groupBy, errors);
        var format = UsageQuery.Format(filters.Format, context.Request.Headers.Accept, errors);
        (filter, var refusal) = await AdmitAsync(context, db, filter, errors, ct);
        if (refusal is not null)
            return refusal;
        if (format == UsageFormat.Csv)
        {
            var columns = dimensions.Select(d => new CsvColumn<UsageGroup>(d.Column, g => g.Group[d.Column])).Concat(UsageCsv.ColumnsOf<UsageGroup>("group")).ToList();
            return UsageCsv.Result("usage-summary.csv", columns, UsageSummary.ReadAsync(db, filter, dimensions, null, ct).Where(g => g.Group.Count > 0));
        }

        // The totals, the most groups answered as json, and one more to tell there were too many.
        var groups = await UsageSummary.ReadAsync(db, filter, dimensions, UsageQuery.MaxGroups + 2, ct).ToListAsync(ct);
        if (groups.Count > UsageQuery.MaxGroups + 1)
        {
            errors.Add("group_by", $"gives more than {UsageQuery.MaxGroups} groups: narrow from and to or the filters, or ask for format=csv, which streams them all");
            return Problems.Validation(errors);
        }

        return TypedResults.Ok(new UsageSummaryResponse([.. dimensions.Select(d => d.Column)], groups[1..], groups[0]));
    }

    /// <summary>The filter narrowed to what the caller may read, or why it is not answered: a bad field (400) or a resource the caller may not read (404, 403).</summary>
    private static async Task<(UsageFilter Filter, IResult? Refusal)> AdmitAsync(
        HttpContext context, NpgsqlDataSource db, UsageFilter filter, FieldErrors errors, CancellationToken ct)
    {
        if (errors.Count > 0)
            return (filter, Problems.Validation(errors));
        var principal = context.Principal();
        return await UsageAccess.DenyAsync(principal, filter, db, ct) is { } denied ? (filter, denied) : (UsageAccess.Narrow(principal, filter), null);
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.StoredResponses;

/// <summary>
/// The query of <c>GET /v1/responses/{id}/input_items</c>, as OpenAI's: <c>after</c> (an item id of the response),
/// <c>limit</c> (1 to 100, default 20) and <c>order</c> (<c>asc</c> or <c>desc</c>, the default). Taken as text, so a
/// bad value is a 400 naming its parameter rather than the framework's bare one.
/// </summary>
/// <param name="Ascending">Oldest item first; the default is newest (last sent) first.</param>
internal sealed record InputItemsQuery(string? After, int Limit, bool Ascending)
{
    public const int DefaultLimit = 20;

    public const int MaxLimit = 100;

    /// <param name="before">Not served: OpenAI's clients page with after alone, and ignoring it would answer another page than asked.</param>
    public static RefusalOr<InputItemsQuery> Parse(string? after, string? limit, string? order, string? before)
    {
        var problems = new List<FieldProblem>();
        if (after is { Length: 0 })
            problems.Add(new FieldProblem("after", "must be the id of an input item (the last_id of the previous page), not empty"));
        var pageSize = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxLimit))
            problems.Add(new FieldProblem("limit", $"must be a whole number from 1 to {MaxLimit}, not '{limit}'"));
        if (order is not (null or "asc" or "desc"))
            problems.Add(new FieldProblem("order", $"must be asc or desc, not '{order}'"));
        if (before is not null)
            problems.Add(new FieldProblem("before", "is not supported; page with after (the last_id of the previous page)"));
        return problems.Count > 0
            ? Refusal.InvalidRequest(FieldProblem.Describe(problems), problems)
            : new InputItemsQuery(after, pageSize, order == "asc");
    }
}

/// <summary>A page of a stored response's input items, in OpenAI's list shape.</summary>
/// <param name="Object">Always <c>list</c>.</param>
/// <param name="Data">The items as they were stored, each with its <c>id</c>.</param>
/// <param name="FirstId">The id of the first item of the page; null for an empty page.</param>
/// <param name="LastId">The id of the last item of the page: <c>after</c> for the next one.</param>
/// <param name="HasMore">Whether another page follows.</param>
internal sealed record InputItemList(string Object, IReadOnlyList<JsonObject> Data, string? FirstId, string? LastId, bool HasMore)
{
    public static InputItemList Example { get; } = new(
        "list",
        [
            new JsonObject
            {
                ["type"] = "message", ["id"] = "msg_0a1b2c3d4e5f", ["role"] = "user",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = "And in Celsius?" }),
            },
        ],
        "msg_0a1b2c3d4e5f", "msg_0a1b2c3d4e5f", true);

    /// <param name="fetched">The page read with one item more than the limit, to tell whether more follow.</param>
    public static InputItemList Of(IReadOnlyList<JsonObject> fetched, int limit)
    {
        var page = fetched.Count > limit ? fetched.Take(limit).ToList() : fetched;
        return new InputItemList("list", page, page.Count > 0 ? IdOf(page[0]) : null, page.Count > 0 ? IdOf(page[^1]) : null, fetched.Count > limit);
    }

    private static string? IdOf(JsonObject item) => item["id"] is JsonValue id && id.TryGetValue(out string? text) ? text : null;
}

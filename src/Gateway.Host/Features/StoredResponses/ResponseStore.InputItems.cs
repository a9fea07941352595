using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.StoredResponses;

internal sealed partial class ResponseStore
{
    /// <summary>
    /// A page of a response's own input items, in the order asked, after the item <see cref="InputItemsQuery.After"/>
    /// names. Refused 404 when the organisation has no such response, 400 naming <c>after</c> when it has no such item.
    /// </summary>
    public async Task<RefusalOr<InputItemList>> InputItemsAsync(string orgId, string id, InputItemsQuery query, CancellationToken ct)
    {
        // One row per item of the page, or one with no item for an empty page, or none for no response; each row
        // carries where the after item stands (null when there is none), so a missing one is told from a last page.
        await using var cmd = dataSource.CreateCommand("""
            select anchor.ord, page.item::text
            from stored_responses s
            left join lateral (
                select x.ord from json_array_elements(s.input) with ordinality x(item, ord) where x.item ->> 'id' = $3 limit 1
            ) anchor on true
            left join lateral (
                select y.item, y.ord from json_array_elements(s.input) with ordinality y(item, ord)
                where $3::text is null or (case when $4 then y.ord > anchor.ord else y.ord < anchor.ord end)
                order by case when $4 then y.ord else -y.ord end
                limit $5
            ) page on true
            where s.org_id = $1 and s.id = $2
            order by case when $4 then page.ord else -page.ord end
            """);
        cmd.Parameters.Add(new() { Value = orgId });
        cmd.Parameters.Add(new() { Value = id });
        cmd.Parameters.Add(new() { Value = (object?)query.After ?? DBNull.Value });
        cmd.Parameters.Add(new() { Value = query.Ascending });
        cmd.Parameters.Add(new() { Value = query.Limit + 1 });
        var found = false;
        var afterFound = false;
        var items = new List<JsonObject>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                found = true;
                afterFound = !r.IsDBNull(0);
                if (!r.IsDBNull(1))
                    items.Add(JsonNode.Parse(r.GetString(1))!.AsObject());
            }
        }

        if (!found)
            return NotFound(id);
        if (query.After is { } after && !afterFound)
            return Refusal.InvalidRequest($"after '{after}' is not an input item of response '{id}'", [new FieldProblem("after", "is not an input item of this response")]);
        return InputItemList.Of(items, query.Limit);
    }

    /// <summary>The 404 for an id the caller's organisation has no response by, in OpenAI's words.</summary>
    public static Refusal NotFound(string id) => new(404, "response_not_found", $"Response with id '{id}' not found.");
}

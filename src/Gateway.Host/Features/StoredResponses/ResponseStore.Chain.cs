using Gateway.Domain.Chat;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.StoredResponses;

/// <summary>One earlier response of a conversation: what its request sent and what came back.</summary>
/// <param name="Input">Its request's own input items, a JSON array, as stored.</param>
/// <param name="Output">The <c>output</c> items of its response object, a JSON array (empty when it had none).</param>
internal sealed record StoredTurn(string Id, string Input, string Output);

/// <summary>The responses a <c>previous_response_id</c> continues, oldest first, ending with the one it names.</summary>
internal sealed record ResponseChain(IReadOnlyList<StoredTurn> Turns);

internal sealed partial class ResponseStore
{
    /// <summary>
    /// The most responses one <c>previous_response_id</c> expands to: a bound on the walk (ids could form a loop)
    /// and on the request it builds; a longer conversation is refused with a line saying so.
    /// </summary>
    public const int MaxChainDepth = 1000;

    private const string PreviousField = "previous_response_id";

    /// <summary>
    /// The conversation that <paramref name="previousResponseId"/> ends, walked back through each response's own
    /// previous id in one recursive query within the organisation. Refused (400, naming previous_response_id) when
    /// the organisation lacks any response on the way, or when the chain is longer than <see cref="MaxChainDepth"/>.
    /// </summary>
    public Task<RefusalOr<ResponseChain>> ChainAsync(string orgId, string previousResponseId, CancellationToken ct) =>
        ChainAsync(orgId, previousResponseId, MaxChainDepth, ct);

    /// <param name="maxDepth">The most responses it expands to (tests choose a short one).</param>
    internal async Task<RefusalOr<ResponseChain>> ChainAsync(string orgId, string previousResponseId, int maxDepth, CancellationToken ct)
    {
        // Walks at most one link past the cap, which is how a chain that is too long shows.
        await using var cmd = dataSource.CreateCommand("""
            with recursive chain as (
                select id, previous_response_id, input, response -> 'output' as output, 1 as depth
                from stored_responses where org_id = $1 and id = $2
              union all
                select s.id, s.previous_response_id, s.input, s.response -> 'output', c.depth + 1
                from chain c join stored_responses s on s.org_id = $1 and s.id = c.previous_response_id
                where c.depth <= $3
            )
            select id, previous_response_id, input::text, coalesce(output, '[]'::json)::text from chain order by depth desc
            """);
        cmd.Parameters.Add(new() { Value = orgId });
        cmd.Parameters.Add(new() { Value = previousResponseId });
        cmd.Parameters.Add(new() { Value = maxDepth });
        var turns = new List<StoredTurn>();
        string? before = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                if (turns.Count == 0)
                    before = r.IsDBNull(1) ? null : r.GetString(1);
                turns.Add(new StoredTurn(r.GetString(0), r.GetString(2), r.GetString(3)));
            }
        }

        if (turns.Count == 0)
            return PreviousNotFound(previousResponseId, $"Previous response with id '{previousResponseId}' not found.");
        if (turns.Count > maxDepth)
        {
            return new Refusal(400, "previous_response_chain_too_long",
                $"The conversation that '{previousResponseId}' ends is longer than {maxDepth} responses, the most the gateway continues; "
                + "start a new one, sending what it needs of the history as input.",
                [new FieldProblem(PreviousField, $"ends a conversation of more than {maxDepth} responses")]);
        }

        if (before is not null)
        {
            return PreviousNotFound(before,
                $"Previous response with id '{before}' not found: it is an earlier response of the conversation that '{previousResponseId}' continues, "
                + "and it was deleted or is past the retention period.");
        }

        return new ResponseChain(turns);
    }

    private static Refusal PreviousNotFound(string id, string message) =>
        new(400, "previous_response_not_found", message, [new FieldProblem(PreviousField, $"'{id}' is not a stored response of this organization")]);
}

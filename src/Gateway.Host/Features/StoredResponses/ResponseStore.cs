using Npgsql;
using NpgsqlTypes;

namespace Gateway.Host.Features.StoredResponses;

/// <summary>
/// A Responses API answer as the gateway keeps it, written by the Responses dialect once the answer is complete.
/// </summary>
/// <param name="OrgId">The organisation of the key that asked: only its keys see the response.</param>
/// <param name="Id">The response's id (<c>resp_...</c>), the gateway's or, passed through, the upstream's.</param>
/// <param name="KeyId">The key that asked, for the record.</param>
/// <param name="PreviousResponseId">The response this one continues, as the client named it.</param>
/// <param name="Model">The model as the client asked for it.</param>
/// <param name="Status"><c>completed</c> or <c>incomplete</c>, as in the response object.</param>
/// <param name="CreatedAt">The response object's <c>created_at</c>; retention counts from it.</param>
/// <param name="Response">The response object as JSON, exactly as the client got it: GET answers with this text.</param>
/// <param name="Input">This request's own input items as a JSON array, normalised, each item with an <c>id</c>.</param>
internal sealed record StoredResponse(
    string OrgId, string Id, string? KeyId, string? PreviousResponseId, string Model, string Status, DateTimeOffset CreatedAt, string Response, string Input);

/// <summary>
/// <c>stored_responses</c> (migration 0017): one row per stored response, keyed by organisation and id, so every
/// lookup is within the caller's organisation and another organisation's id reads as not there.
/// </summary>
internal sealed partial class ResponseStore(NpgsqlDataSource dataSource)
{
    /// <summary>Stores one response, on a connection of its own (<see cref="ResponseWriter"/> stores the dialect's, in batches).</summary>
    public async Task SaveAsync(StoredResponse response, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await SaveAllAsync(connection, [response], ct);
    }

    /// <summary>The connection <see cref="ResponseWriter"/> keeps: its commits do not wait for the WAL to reach the disk.</summary>
    /// <remarks>
    /// The rows are visible to every instance the moment the insert returns, which is what a client's next turn needs;
    /// a PostgreSQL crash can lose the last fraction of a second of stored responses, never a usage record or a
    /// charge, which commit durably on connections of their own.
    /// </remarks>
    public async Task<NpgsqlConnection> OpenWriterAsync(CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        await using var relaxed = new NpgsqlCommand("set synchronous_commit to off", connection);
        await relaxed.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>
    /// Stores responses in one statement. A second answer under an id already stored (an upstream that repeats its ids)
    /// replaces the first: the client continues from the one it saw last; within one batch the last of them stands.
    /// </summary>
    public static async Task SaveAllAsync(NpgsqlConnection connection, IReadOnlyList<StoredResponse> responses, CancellationToken ct)
    {
        var rows = responses.GroupBy(r => (r.OrgId, r.Id)).Select(g => g.Last()).ToList();
        await using var cmd = new NpgsqlCommand("""
            insert into stored_responses (org_id, id, key_id, previous_response_id, model, status, created_at, response, input)
            select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::json[], $9::json[])
            on conflict (org_id, id) do update set
                key_id = excluded.key_id, previous_response_id = excluded.previous_response_id, model = excluded.model,
                status = excluded.status, created_at = excluded.created_at, response = excluded.response, input = excluded.input
            """, connection);
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.OrgId).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Id).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.KeyId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.PreviousResponseId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Model).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Status).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.CreatedAt.ToUniversalTime()).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Response).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Input).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The response object as the client got it; null when the organisation has none by that id.</summary>
    public async Task<string?> GetAsync(string orgId, string id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select response::text from stored_responses where org_id = $1 and id = $2");
        cmd.Parameters.Add(new() { Value = orgId });
        cmd.Parameters.Add(new() { Value = id });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Whether the organisation had a response by that id (now deleted).</summary>
    public async Task<bool> DeleteAsync(string orgId, string id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("delete from stored_responses where org_id = $1 and id = $2");
        cmd.Parameters.Add(new() { Value = orgId });
        cmd.Parameters.Add(new() { Value = id });
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }
}

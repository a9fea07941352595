using Npgsql;

namespace Gateway.Host.Features.StoredResponses;

/// <summary>Removes stored responses past the retention period; a conversation that continued one of them is refused from then on.</summary>
internal sealed class ResponsesRetention(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Rows per statement. Each batch commits on its own, so inserts and lookups never wait behind one long delete,
    /// however much has piled up; rows hold whole exchanges, so batches are smaller than usage retention's.
    /// </summary>
    public const int BatchSize = 1000;

    /// <param name="Deleted">Rows deleted, in <paramref name="Batches"/> statements.</param>
    internal sealed record Outcome(long Deleted, int Batches);

    public async Task<Outcome> RemoveOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct)
    {
        long deleted = 0;
        for (var batches = 1; ; batches++)
        {
            await using var cmd = dataSource.CreateCommand("""
                delete from stored_responses where (org_id, id) in (select org_id, id from stored_responses where created_at < $1 limit $2)
                """);
            cmd.Parameters.Add(new() { Value = cutoff.ToUniversalTime() });
            cmd.Parameters.Add(new() { Value = batchSize });
            var rows = await cmd.ExecuteNonQueryAsync(ct);
            deleted += rows;
            if (rows < batchSize)
                return new Outcome(deleted, batches);
        }
    }
}

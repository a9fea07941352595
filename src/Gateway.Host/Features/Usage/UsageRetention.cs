using Npgsql;

namespace Gateway.Host.Features.Usage;

/// <summary>Deletes detailed usage records past the retention period; <c>usage_daily</c> keeps their totals.</summary>
internal sealed class UsageRetention(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Rows per statement. Each batch commits on its own, so the usage writer and readers of
    /// usage_records never wait behind one long delete, however much has piled up.
    /// </summary>
    public const int BatchSize = 5000;

    /// <returns>How many records were deleted, in how many statements.</returns>
    public async Task<(long Deleted, int Batches)> DeleteOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct)
    {
        long deleted = 0;
        for (var batches = 1; ; batches++)
        {
            await using var cmd = dataSource.CreateCommand(
                "delete from usage_records where id in (select id from usage_records where at < $1 limit $2)");
            cmd.Parameters.Add(new() { Value = cutoff.ToUniversalTime() });
            cmd.Parameters.Add(new() { Value = batchSize });
            var rows = await cmd.ExecuteNonQueryAsync(ct);
            deleted += rows;
            if (rows < batchSize)
                return (deleted, batches);
        }
    }
}

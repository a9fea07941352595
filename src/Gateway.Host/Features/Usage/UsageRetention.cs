using Npgsql;

namespace Gateway.Host.Features.Usage;

/// <summary>
/// Removes detailed usage records past the retention period; <c>usage_daily</c> keeps their totals.
/// Whole days older than the cutoff go as partitions; rows are deleted only from the day the cutoff
/// falls in and from the default partition.
/// </summary>
internal sealed class UsageRetention(NpgsqlDataSource dataSource, UsagePartitions partitions)
{
    /// <summary>
    /// Rows per statement. Each batch commits on its own, so the usage writer and readers of
    /// usage_records never wait behind one long delete, however much has piled up.
    /// </summary>
    public const int BatchSize = 5000;

    /// <param name="Dropped">The day partitions dropped whole.</param>
    /// <param name="Kept">The days wholly past the cutoff whose partition the table was too busy to detach: the next run takes them.</param>
    /// <param name="Deleted">Rows deleted one by one, in <paramref name="Batches"/> statements.</param>
    internal sealed record Outcome(IReadOnlyList<DateOnly> Dropped, IReadOnlyList<DateOnly> Kept, long Deleted, int Batches);

    public async Task<Outcome> RemoveOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct)
    {
        var cutoffDay = DateOnly.FromDateTime(cutoff.UtcDateTime);
        var dropped = new List<DateOnly>();
        var kept = new List<DateOnly>();
        foreach (var day in (await partitions.DaysAsync(ct)).Where(d => d < cutoffDay))
            (await partitions.DropAsync(day, ct) ? dropped : kept).Add(day);
        var (deleted, batches) = await DeleteOlderThanAsync(cutoff, batchSize, ct);
        return new Outcome(dropped, kept, deleted, batches);
    }

    /// <summary>
    /// Deletes rows older than the cutoff in batches. Once older days are dropped, the range on at
    /// leaves the planner only the cutoff's own day and the default partition to look in.
    /// </summary>
    private async Task<(long Deleted, int Batches)> DeleteOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct)
    {
        long deleted = 0;
        for (var batches = 1; ; batches++)
        {
            await using var cmd = dataSource.CreateCommand(
                "delete from usage_records where at < $1 and (id, at) in (select id, at from usage_records where at < $1 limit $2)");
            cmd.Parameters.Add(new() { Value = cutoff.ToUniversalTime() });
            cmd.Parameters.Add(new() { Value = batchSize });
            var rows = await cmd.ExecuteNonQueryAsync(ct);
            deleted += rows;
            if (rows < batchSize)
                return (deleted, batches);
        }
    }
}

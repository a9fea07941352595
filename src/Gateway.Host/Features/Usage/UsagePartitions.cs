using System.Globalization;
using Npgsql;

namespace Gateway.Host.Features.Usage;

/// <summary>
/// The day partitions of <c>usage_records</c> (migration 0014): created ahead, so a day's rows land in
/// a table of their own, and dropped whole once retention has passed them. A row whose day has no
/// partition yet goes to <c>usage_records_default</c> and is moved into its day when that is created.
/// </summary>
internal sealed partial class UsagePartitions(NpgsqlDataSource dataSource, TimeProvider time, ILogger<UsagePartitions> logger) : IHostedService
{
    /// <summary>Days after today that already have their partition: a day's is there well before its first row, even if jobs stop for a while.</summary>
    public const int DaysAhead = 3;

    /// <summary>
    /// How long a detach waits for the table. It needs an exclusive lock on usage_records, and while it
    /// waits every writer and reader queues behind it: a long read (a big CSV export) would stall the
    /// writer for as long. Past this the day is left for the next run.
    /// </summary>
    private static readonly TimeSpan DetachWait = TimeSpan.FromSeconds(3);

    private const string Prefix = "usage_records_p";

    public static string TableOf(DateOnly day) => Prefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>At start the partitions ahead are made, so the first rows of the day do not land in the default one.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CreateAheadAsync(Today(), cancellationToken);
        }
        catch (NpgsqlException e)
        {
            // Nothing is lost meanwhile: rows go to the default partition, and the job tries again.
            LogNotCreated(e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Creates the partitions of <paramref name="today"/> and the <see cref="DaysAhead"/> days after it that are missing.</summary>
    /// <returns>The days created.</returns>
    public async Task<IReadOnlyList<DateOnly>> CreateAheadAsync(DateOnly today, CancellationToken ct)
    {
        var existing = (await DaysAsync(ct)).ToHashSet();
        var created = new List<DateOnly>();
        for (var day = today; day <= today.AddDays(DaysAhead); day = day.AddDays(1))
        {
            if (!existing.Contains(day) && await CreateAsync(day, ct))
                created.Add(day);
        }

        return created;
    }

    /// <summary>
    /// Creates the day's partition unless another instance just did; rows of that day waiting in the
    /// default partition move into it. Created apart and then attached, as attaching locks usage_records
    /// only against other schema changes where creating a partition in place locks out its writers too.
    /// </summary>
    /// <returns>Whether this call created it.</returns>
    public async Task<bool> CreateAsync(DateOnly day, CancellationToken ct)
    {
        var table = TableOf(day);
        var (from, to) = Bounds(day);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // One instance at a time per schema; the default partition is held against writes from here
        // on, so no row of the day lands there between the move and the attach.
        await ExecuteAsync(conn, tx, $"""
            select pg_advisory_xact_lock(hashtextextended('gateway:usage_partitions:' || current_schema(), 0));
            lock table usage_records_default in share mode
            """, ct);
        await using (var exists = new NpgsqlCommand($"select to_regclass('{table}') is not null", conn, tx))
        {
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
                return false;
        }

        await ExecuteAsync(conn, tx, $"""
            create table {table} (like usage_records);
            with moved as (delete from usage_records_default where at >= '{from}' and at < '{to}' returning *)
            insert into {table} select * from moved;
            alter table usage_records attach partition {table} for values from ('{from}') to ('{to}')
            """, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>The days that have a partition, oldest first.</summary>
    public async Task<IReadOnlyList<DateOnly>> DaysAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = 'usage_records'::regclass and c.relname like '{Prefix}%' order by c.relname
            """);
        var days = new List<DateOnly>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            days.Add(DateOnly.ParseExact(reader.GetString(0)[Prefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture));
        return days;
    }

    /// <summary>Detaches the day's partition and drops it with its rows.</summary>
    /// <returns>False when the table stayed busy for longer than <see cref="DetachWait"/>: the day is still there.</returns>
    public async Task<bool> DropAsync(DateOnly day, CancellationToken ct)
    {
        var table = TableOf(day);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            // Not DETACH CONCURRENTLY, which PostgreSQL refuses while a default partition exists.
            await ExecuteAsync(conn, tx, $"""
                set local lock_timeout = {(int)DetachWait.TotalMilliseconds};
                alter table usage_records detach partition {table};
                drop table {table}
                """, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return false;
        }

        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>The day's range in UTC, as timestamptz literals that do not depend on the session's time zone.</summary>
    private static (string From, string To) Bounds(DateOnly day) =>
        (day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00",
         day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00");

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create the usage partitions ahead at start; rows go to usage_records_default until the usage_partitions job creates them")]
    private partial void LogNotCreated(Exception exception);
}

using System.Diagnostics;
using System.Globalization;
using Gateway.Host.Features.Usage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Bench;

/// <summary>
/// What the usage writer stores per second, one batch at a time as the usage log drains, on a durable
/// cluster whose usage_records already holds history in its day partitions: first history from earlier
/// days (which day partitions keep out of the way of today's inserts), then as much again from today.
/// </summary>
internal static class UsageWriterBench
{
    private const int BatchSize = 500;

    public static async Task RunAsync(TimeSpan duration, int history)
    {
        await using var database = await DurableBenchDatabase.StartAsync();
        var dataSource = database.DataSource;
        var writer = new UsageWriter(dataSource);
        var now = DateTimeOffset.UtcNow;
        // The day partitions a gateway running all along would have made.
        var partitions = new UsagePartitions(dataSource, TimeProvider.System, NullLogger<UsagePartitions>.Instance);
        for (var day = partitions.Today().AddDays(-10); day < partitions.Today(); day = day.AddDays(1))
            await partitions.CreateAsync(day, CancellationToken.None);
        await partitions.CreateAheadAsync(partitions.Today(), CancellationToken.None);

        Console.WriteLine($"usage writer on PostgreSQL ({database.Address}), durable, batches of {BatchSize}, {duration.TotalSeconds:N0} s per scenario, {Environment.ProcessorCount} cores");
        Console.WriteLine($"{"scenario",-56} {"rows/s",10} {"p50 ms",8} {"p99 ms",8} {"writer µs/row",14} {"pg µs/row",10}");
        await FillAsync(dataSource, history, now.AddDays(-10), now.AddDays(-1));
        await MeasureAsync($"{history:N0} rows in the 10 days before", writer, duration);
        await FillAsync(dataSource, history, now.AddHours(-1), now);
        await MeasureAsync($"{history:N0} more rows today", writer, duration);
    }

    /// <summary>Rows spread evenly from <paramref name="from"/> to <paramref name="to"/>, in the mix of owners the batches use.</summary>
    private static async Task FillAsync(NpgsqlDataSource dataSource, int rows, DateTimeOffset from, DateTimeOffset to)
    {
        await using var cmd = dataSource.CreateCommand("""
            insert into usage_records (id, at, request_id, org_id, user_id, key_id, dialect, endpoint, requested_model, provider, model,
                upstream_key_id, status, stream, latency_ms, prompt_tokens, completion_tokens, cached_tokens, usage_estimated, client_cancelled,
                cost, attempts)
            select gen_random_uuid(), $1 + ($2 - $1) * (i::float8 / $3), 'req-' || i, 'org_' || i % 4, 'usr_' || i % 8, 'key_' || i % 8,
                'openai', '/v1/chat/completions', 'fake:gpt-4o-mini', 'fake', 'gpt-4o-mini', 'upk_1', 200, true, 12.5, 100, 20, 0, false, false,
                0.0015, '[]'
            from generate_series(1, $3) as i
            """);
        cmd.CommandTimeout = 0;
        cmd.Parameters.Add(new() { Value = from.ToUniversalTime() });
        cmd.Parameters.Add(new() { Value = to.ToUniversalTime() });
        cmd.Parameters.Add(new() { Value = rows });
        await cmd.ExecuteNonQueryAsync();
        // The fill's writes flushed before timing starts, so its checkpoint does not land in the measurement.
        await using var settle = dataSource.CreateCommand("analyze usage_records; checkpoint");
        settle.CommandTimeout = 0;
        await settle.ExecuteNonQueryAsync();
    }

    private static async Task MeasureAsync(string name, UsageWriter writer, TimeSpan duration)
    {
        // Untimed first batches: the JIT and the caches of the new day's indexes warm up.
        for (var i = 0; i < 20; i++)
            await writer.WriteAsync([.. Enumerable.Range(0, BatchSize).Select(Record)], CancellationToken.None);
        var latencies = new List<double>();
        // CPU per row: this process (the writer, and the making of the records), and every PostgreSQL process.
        var meter = new CpuMeter((pid, command, _) => pid == Environment.ProcessId ? "writer" : command == "postgres" ? "postgres" : null);
        meter.Start();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var batch = Enumerable.Range(0, BatchSize).Select(Record).ToList();
            var start = Stopwatch.GetTimestamp();
            await writer.WriteAsync(batch, CancellationToken.None);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var cpu = meter.Stop();
        var total = latencies.Sum();
        var sorted = latencies.Order().ToArray();
        var rows = (double)sorted.Length * BatchSize;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-56} {rows / (total / 1000),10:N0} {sorted[sorted.Length / 2],8:N2} {sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))],8:N2} {cpu.GetValueOrDefault("writer") * 1000 / rows,14:N1} {cpu.GetValueOrDefault("postgres") * 1000 / rows,10:N1}"));
    }

    /// <summary>A streamed request's record, as the gateway stores it: four organisations, eight users and keys.</summary>
    private static InferenceRecord Record(int i) => new(
        Guid.CreateVersion7(), $"req-{Guid.NewGuid():N}", $"org_{i % 4}", $"usr_{i % 8}", $"key_{i % 8}", "openai", "/v1/chat/completions",
        "fake:gpt-4o-mini", "fake", "gpt-4o-mini", "upk_1", 200, true, DateTimeOffset.UtcNow, 12.5, 3.2, 100, 20, 0, false, false,
        [new AttemptRecord("fake", "upk_1", 200, "ok", null, 11.25)], 0.0015m);
}

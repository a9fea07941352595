using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Gateway.Host.Persistence;
using Gateway.Host.Persistence.EventStore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Bench;

/// <summary>
/// Event store write and read rates, then authentication cost, on a real, durable PostgreSQL cluster
/// started from this machine's binaries (fsync and synchronous commit on, as in production).
/// </summary>
internal static class EventStoreBench
{
    public static async Task RunAsync(TimeSpan duration, int writers)
    {
        var seconds = (int)duration.TotalSeconds;

        await using var database = await DurableBenchDatabase.StartAsync(maxPoolSize: 64);
        var dataSource = database.DataSource;
        var store = new EventStore(dataSource, new JsonSerializerOptions(JsonSerializerDefaults.Web), []);

        Console.WriteLine($"event store on PostgreSQL ({database.Address}), durable, {writers} concurrent writers, {seconds} s per scenario, {Environment.ProcessorCount} cores");
        Console.WriteLine($"{"scenario",-48} {"appends/s",10} {"events/s",10} {"p50 ms",8} {"p99 ms",8}");

        await Scenario.RunAsync("versioned append, 1 event, own stream per writer", writers, duration, 1, async (w, i) =>
            await store.AppendAsync($"own-{w}", "bench", i == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(i), [Usage()], default));
        await Scenario.RunAsync("versioned append, 1 event, all writers on 1 stream", writers, duration, 1, async (_, _) =>
            await store.AppendAsync("hot", "bench", ExpectedVersion.Any, [Usage()], default));
        await Scenario.RunAsync("fact fast path, 1 event per call", writers, duration, 1, async (_, _) =>
            await store.AppendFactsAsync("usage", "usage", [Usage()], default));
        await Scenario.RunAsync("fact fast path, batches of 100", writers, duration, 100, async (_, _) =>
            await store.AppendFactsAsync("usage", "usage", [.. Enumerable.Range(0, 100).Select(_ => Usage())], default));

        var total = await CountAsync(dataSource);
        var runner = new ProjectionRunner(dataSource, [new NullProjection()], new NotificationListener(dataSource, NullLogger<NotificationListener>.Instance), NullLogger<ProjectionRunner>.Instance) { BatchSize = 1000 };
        await runner.EnsureCheckpointsAsync(default);
        var clock = Stopwatch.StartNew();
        long applied = 0;
        int batch;
        while ((batch = await runner.RunBatchAsync(new NullProjection(), default)) > 0)
            applied += batch;
        Console.WriteLine($"{"async projection catch-up (batches of 1000)",-48} {"",10} {(applied / clock.Elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture),10}   ({applied:N0} of {total:N0} events)");

        await AuthBench.RunAsync(database.ConnectionString, duration);
    }

    private static NewEvent Usage() => NewEvent.Create(
        "usage.recorded",
        new { model = "gemini:gemini-2.5-flash", input_tokens = 1200, output_tokens = 300, cost_usd = 0.00042m, latency_ms = 812 },
        new EventMetadata("org-1", "key:bench", Guid.NewGuid().ToString("N")));

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource)
    {
        await using var cmd = dataSource.CreateCommand("select count(*) from events");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

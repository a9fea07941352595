using System.Diagnostics;
using System.Globalization;
using Gateway.Host.Persistence.EventStore;
using Npgsql;

namespace Gateway.Bench;

/// <summary>Runs one operation from N concurrent writers for a fixed time and prints rate and latency.</summary>
internal static class Scenario
{
    public static async Task RunAsync(string name, int writers, TimeSpan duration, int eventsPerCall, Func<int, int, Task> operation)
    {
        var latencies = new List<double>[writers];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await operation(w, i);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-48} {all.Length / elapsed,10:N0} {all.Length * eventsPerCall / elapsed,10:N0} {Percentile(all, 0.50),8:N2} {Percentile(all, 0.99),8:N2}"));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];
}

/// <summary>Measures the runner's own cost: reading, ordering and checkpointing, no projection work.</summary>
internal sealed class NullProjection : IAsyncProjection
{
    public string Name => "bench-null";

    public Task ApplyAsync(IReadOnlyList<StoredEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
        Task.CompletedTask;
}

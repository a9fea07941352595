using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Gateway.Bench;

/// <summary>
/// Whether the gateway holds its speed and memory under a long load: one gateway (embedded PostgreSQL, usage recording
/// on) loaded without a pause for the whole run, as one wrk run per interval chained back to back, each interval
/// reported (req/s, p50, p99, RSS at its end, gateway and PostgreSQL CPU per request, rows in usage_records and how many
/// requests sent so far have no row yet). Before the soak, after the warm-up, a 5-second run gives the short-run figure
/// the soak's average is held against; after it, the run waits (bounded) for the usage writer to catch up, so that a
/// backlog held in memory is told apart from a leak.
/// </summary>
internal static class SoakBench
{
    private static readonly TimeSpan ShortRun = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(60);

    private sealed record Interval(TimeSpan End, TimeSpan Length, LoadGenerator.Result Result, double? RssMb, long Rows);

    public static async Task RunAsync(TimeSpan total, TimeSpan interval, LoadShape load)
    {
        await using var gateway = await BenchGateway.StartAsync("soak", limits: load.Limited);
        var target = new LoadGenerator.Target("gateway", gateway.ChatUrl, load.Headers(gateway), "fake:bench-model");
        var loadPid = Environment.ProcessId;
        var meter = new CpuMeter((pid, command, parent) =>
            pid == loadPid || command == "wrk" ? "load" : pid == gateway.UpstreamPid ? "upstream"
            : gateway.Owns(pid, parent) ? (command == "postgres" ? "postgres" : "gateway") : null);

        Console.WriteLine();
        Console.WriteLine(Invariant($"soak: one gateway for {total.TotalMinutes:0.#} min, {load}; one line per {interval.TotalSeconds:0} s, {Environment.ProcessorCount} cores shared with the load"));
        var warmup = await WrkLoad.RunAsync(target, load.Stream, load.Concurrency, load.Warmup);
        var reference = await WrkLoad.RunAsync(target, load.Stream, load.Concurrency, ShortRun, meter);
        var sent = warmup.Requests + reference.Requests;
        Console.WriteLine(Invariant($"{ShortRun.TotalSeconds:0}-second run before the soak: {reference.RequestsPerSecond:N0} req/s, p50 {reference.P50Ms:N2} ms, p99 {reference.P99Ms:N2} ms, {reference.Errors} errors"));

        Console.WriteLine();
        Console.WriteLine($"{"at",6} {"req/s",8} {"p50 ms",8} {"p99 ms",8} {"errors",7} {"RSS MB",7} {"gw µs",6} {"pg µs",6} {"usage rows",11} {"no row yet",10}");
        var intervals = new List<Interval>();
        var clock = Stopwatch.StartNew();
        for (var left = total; left > TimeSpan.Zero; left -= interval)
        {
            var length = left < interval ? left : interval;
            var r = await WrkLoad.RunAsync(target, load.Stream, load.Concurrency, length, meter);
            var rss = ProxyReport.RssMb(gateway.GatewayPid);
            var at = clock.Elapsed;
            // Counted between two runs, so that the count's own cost falls in no interval's CPU.
            var rows = await UsageRowsAsync(gateway);
            // wrk does not count the requests in flight when it stops (up to c per run), so "no row yet" may read a little below 0.
            sent += r.Requests;
            intervals.Add(new Interval(at, length, r, rss, rows));
            Console.WriteLine(Invariant(
                $"{Clock(at),6} {r.RequestsPerSecond,8:N0} {r.P50Ms,8:N2} {r.P99Ms,8:N2} {r.Errors,7} {rss,7:N0} {Cpu(r, "gateway"),6:N0} {Cpu(r, "postgres"),6:N0} {rows,11:N0} {sent - rows,10:N0}"));
        }

        PrintSummary(intervals, reference);
        await PrintDrainAsync(gateway, sent);
    }

    /// <summary>How long after the load the usage rows caught up with the requests sent, and the RSS then.</summary>
    private static async Task PrintDrainAsync(BenchGateway gateway, long sent)
    {
        var clock = Stopwatch.StartNew();
        var rows = await UsageRowsAsync(gateway);
        while (rows < sent && clock.Elapsed < Drain)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            rows = await UsageRowsAsync(gateway);
        }

        Console.WriteLine(Invariant(
            $"after the load: {rows:N0} usage rows for {sent:N0} requests sent ({(rows < sent ? $"still {sent - rows:N0} short after {Drain.TotalSeconds:0} s" : $"caught up in {clock.Elapsed.TotalSeconds:N0} s")}), RSS then {ProxyReport.RssMb(gateway.GatewayPid):N0} MB"));
    }

    private static void PrintSummary(List<Interval> intervals, LoadGenerator.Result reference)
    {
        // RSS is held against the end of minute 1 (the heap has grown to its working size by then); a run of a minute
        // or less has no later minute, so its first interval stands in.
        var minuteOne = intervals.FindIndex(i => i.End >= TimeSpan.FromMinutes(1));
        var baseline = minuteOne >= 0 && minuteOne < intervals.Count - 1 ? intervals[minuteOne] : intervals[0];
        var average = intervals.Sum(i => i.Result.RequestsPerSecond * i.Length.TotalSeconds) / intervals.Sum(i => i.Length.TotalSeconds);
        Console.WriteLine();
        if (baseline.RssMb is { } from && intervals[^1].RssMb is { } to)
        {
            Console.WriteLine(Invariant(
                $"RSS {from:N0} MB at {Clock(baseline.End)} ({(baseline.End >= TimeSpan.FromMinutes(1) ? "the end of minute 1" : "the first interval: the run has no later minute")}) to {to:N0} MB at the end: {(to - from) / from:+0.0%;-0.0%} [< +10 %]"));
        }

        Console.WriteLine(Invariant(
            $"average {average:N0} req/s over the soak: {average / intervals[0].Result.RequestsPerSecond:N2}x the first interval's {intervals[0].Result.RequestsPerSecond:N0}, {average / reference.RequestsPerSecond:N2}x the {ShortRun.TotalSeconds:0}-second run's {reference.RequestsPerSecond:N0} [≥ 0.90]; {intervals.Sum(i => i.Result.Errors)} errors; {intervals[^1].Rows:N0} usage rows"));
    }

    /// <summary>The rows the gateway has recorded so far (the table may be partitioned: the count covers every partition).</summary>
    private static async Task<long> UsageRowsAsync(BenchGateway gateway)
    {
        await using var connection = new NpgsqlConnection(gateway.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from usage_records", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static double Cpu(LoadGenerator.Result r, string group) => r.CpuMsPerRequest.GetValueOrDefault(group) * 1000;

    private static string Clock(TimeSpan at) => Invariant($"{(int)at.TotalMinutes}:{at.Seconds:00}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

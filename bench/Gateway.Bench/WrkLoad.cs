using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Bench;

/// <summary>
/// wrk (Debian's <c>wrk</c>) as the load generator: a closed loop of N connections in C, so the load costs far less CPU
/// than an <c>HttpClient</c> loop and leaves more of the two cores to what is measured. The request is the same as
/// <see cref="LoadGenerator"/>'s. When wrk is not installed, <see cref="LoadGenerator"/> runs instead.
/// </summary>
internal static partial class WrkLoad
{
    public static bool Available { get; } = File.Exists("/usr/bin/wrk") || File.Exists("/usr/local/bin/wrk");

    public static string Name => Available ? "wrk" : "an in-process HttpClient loop (install wrk for lighter load)";

    public static async Task<LoadGenerator.Result> RunAsync(LoadGenerator.Target target, bool stream, int concurrency, TimeSpan duration, CpuMeter? meter = null) =>
        Available
            ? await RunWrkAsync(target, Script(target, stream), stream, Math.Min(concurrency, 2), concurrency, duration, meter)
            : await LoadGenerator.RunAsync(target, stream, concurrency, duration, meter);

    /// <summary>
    /// The load spread over several instances of one deployment (the same request to each, the same path on other
    /// ports) by one wrk, so the latencies fall in one histogram: each connection gets its own thread, and the threads
    /// are dealt to the instances in turn (wrk's <c>setup</c> sets each thread's address), so 16 connections over 3
    /// instances are 6, 5 and 5. One instance is loaded the same way, so that the figures for 1, 2 and 3 compare.
    /// </summary>
    public static async Task<LoadGenerator.Result> RunAsync(IReadOnlyList<LoadGenerator.Target> targets, bool stream, int concurrency, TimeSpan duration, CpuMeter? meter = null) =>
        Available
            ? await RunWrkAsync(targets[0], Script(targets[0], stream) + Spread(targets), stream, concurrency, concurrency, duration, meter)
            : await LoadGenerator.RunAsync(targets, stream, concurrency, duration, meter);

    private static async Task<LoadGenerator.Result> RunWrkAsync(LoadGenerator.Target target, string lua, bool stream, int threads, int concurrency, TimeSpan duration, CpuMeter? meter)
    {
        var script = Path.Combine(Path.GetTempPath(), $"gateway-bench-{Environment.ProcessId}-{target.Name}-{stream}.lua");
        await File.WriteAllTextAsync(script, lua);
        try
        {
            meter?.Start();
            var output = await WrkAsync(target.Url, threads, concurrency, duration, script);
            var cpu = meter?.Stop() ?? new Dictionary<string, double>();
            return Parse(output, cpu);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static string Script(LoadGenerator.Target target, bool stream)
    {
        var body = LoadGenerator.Body(target, stream).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
        var headers = string.Concat(target.Headers.Select(h => $"wrk.headers[\"{h.Key}\"] = \"{h.Value}\"\n"));
        return $"wrk.method = \"POST\"\nwrk.body = '{body}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n{headers}";
    }

    private static string Spread(IReadOnlyList<LoadGenerator.Target> targets)
    {
        var ports = string.Join(", ", targets.Select(t => $"\"{t.Url.Port.ToString(CultureInfo.InvariantCulture)}\""));
        return $"local ports = {{ {ports} }}\nlocal dealt = 0\nfunction setup(thread)\n  thread.addr = wrk.lookup(\"127.0.0.1\", ports[dealt % #ports + 1])[1]\n  dealt = dealt + 1\nend\n";
    }

    private static async Task<string> WrkAsync(Uri url, int threads, int concurrency, TimeSpan duration, string script)
    {
        var psi = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { $"-t{threads}", $"-c{concurrency}", $"-d{(int)duration.TotalSeconds}s", "--latency", "--timeout", "30s", "-s", script, url.ToString() })
            psi.ArgumentList.Add(arg);
        using var wrk = Process.Start(psi)!;
        var output = wrk.StandardOutput.ReadToEndAsync();
        var errors = wrk.StandardError.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        if (wrk.ExitCode != 0)
            throw new InvalidOperationException($"wrk exited with {wrk.ExitCode}: {await errors}");
        return await output;
    }

    /// <summary>Requests per second, the 50th and 99th latency percentiles, and every failure wrk counts (non-2xx answers and socket errors).</summary>
    internal static LoadGenerator.Result Parse(string output, IReadOnlyDictionary<string, double> cpuMs)
    {
        var requests = long.Parse(RequestCount().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var failed = NonSuccess().Match(output) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        if (SocketErrors().Match(output) is { Success: true } s)
            failed += Enumerable.Range(1, 4).Sum(i => int.Parse(s.Groups[i].Value, CultureInfo.InvariantCulture));
        return new LoadGenerator.Result(rps, Percentile(output, "50"), Percentile(output, "99"), failed,
            cpuMs.ToDictionary(c => c.Key, c => requests == 0 ? 0 : c.Value / requests), requests);
    }

    private static double Percentile(string output, string which)
    {
        var match = Regex.Match(output, $@"^\s*{which}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "ms" => value, _ => value * 1000 };
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}

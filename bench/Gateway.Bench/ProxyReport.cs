using System.Globalization;

namespace Gateway.Bench;

/// <summary>
/// The proxy benchmark's tables: every target's figures, the CPU each process spent per request, and the ratios the
/// hot-path targets are stated in (the gateway against the bare YARP forwarder and against Portkey, in the same run).
/// </summary>
internal static class ProxyReport
{
    /// <summary>What the proxy itself costs per request: its own process and, for the gateway, its PostgreSQL.</summary>
    private static readonly Dictionary<string, string[]> ProxyProcesses = new()
    {
        ["direct"] = [],
        ["yarp"] = ["yarp"],
        ["gateway"] = ["gateway", "postgres"],
        ["budgeted"] = ["gateway", "postgres"],
        ["other"] = ["other", "other-pg"],
        ["portkey"] = ["portkey"],
    };

    public static void Print(IReadOnlyDictionary<(string Target, bool Stream, int Concurrency), LoadGenerator.Result> results, IReadOnlyDictionary<string, double?> rssMb)
    {
        Console.WriteLine();
        Console.WriteLine($"{"target",-9} {"mode",-7} {"conc",5} {"req/s",10} {"p50 ms",8} {"p99 ms",8} {"errors",7} {"load µs",8} {"upstr µs",8} {"proxy µs",8} {"its pg µs",9}");
        foreach (var ((name, stream, concurrency), r) in results)
        {
            var proxy = ProxyProcesses[name];
            Console.WriteLine(Invariant(
                $"{name,-9} {Mode(stream),-7} {concurrency,5} {r.RequestsPerSecond,10:N0} {r.P50Ms,8:N2} {r.P99Ms,8:N2} {r.Errors,7} {Cpu(r, "load"),8:N0} {Cpu(r, "upstream"),8:N0} {(proxy.Length > 0 ? Cpu(r, proxy[0]) : 0),8:N0} {(proxy.Length > 1 ? Cpu(r, proxy[1]) : 0),9:N0}"));
        }

        Console.WriteLine();
        Console.WriteLine("ratios against the bare YARP forwarder in the same run (CPU per request includes the gateway's PostgreSQL); the hot-path targets in brackets");
        foreach (var stream in new[] { false, true })
        {
            foreach (var concurrency in new[] { 1, 16 })
            {
                if (!results.TryGetValue(("yarp", stream, concurrency), out var yarp))
                    continue;
                foreach (var name in new[] { "gateway", "budgeted", "other" })
                {
                    if (results.TryGetValue((name, stream, concurrency), out var ours))
                        Console.WriteLine(Invariant($"{Mode(stream),-7} c={concurrency,-3} {name,-9} ") + Ratios(ours, ProxyCpu(ours, name), yarp, ProxyCpu(yarp, "yarp"), concurrency, results.GetValueOrDefault(("portkey", stream, concurrency))));
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("RSS after the load: " + string.Join(", ", rssMb.Where(r => r.Value is not null).Select(r => Invariant($"{r.Key} {r.Value:N0} MB")))
            + (rssMb["gateway"] is { } g && rssMb["yarp"] is { } y ? Invariant($"; gateway/YARP {g / y:N2}x [gateway ≤ 160 MB]") : ""));
    }

    private static string Ratios(LoadGenerator.Result ours, double ourCpu, LoadGenerator.Result yarp, double yarpCpu, int concurrency, LoadGenerator.Result? portkey)
    {
        var line = Invariant($"req/s {ours.RequestsPerSecond / yarp.RequestsPerSecond,5:N2}x{(concurrency == 16 ? " [≥ 0.65]" : "        ")}  p50 {ours.P50Ms / yarp.P50Ms,5:N2}x (+{ours.P50Ms - yarp.P50Ms:N3} ms{(concurrency == 1 ? " [≤ +0.1]" : "")})  ")
            + Invariant($"p99 {ours.P99Ms / yarp.P99Ms,5:N2}x{(concurrency == 16 ? " [≤ 2]" : "")}  CPU {ourCpu / yarpCpu,5:N2}x ({ourCpu:N0} vs {yarpCpu:N0} µs) [≤ 1.5]");
        return portkey is null ? line : line + Invariant($"  vs Portkey req/s {ours.RequestsPerSecond / portkey.RequestsPerSecond:N1}x{(concurrency == 16 ? " [≥ 15]" : "")}");
    }

    private static double ProxyCpu(LoadGenerator.Result r, string name) => ProxyProcesses[name].Sum(p => Cpu(r, p));

    private static double Cpu(LoadGenerator.Result r, string group) => r.CpuMsPerRequest.TryGetValue(group, out var ms) ? ms * 1000 : 0;

    /// <summary>Each figure's median over the rounds (the CPU of each process on its own).</summary>
    public static LoadGenerator.Result Median(IReadOnlyList<LoadGenerator.Result> rounds)
    {
        static double Mid(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var groups = rounds.SelectMany(r => r.CpuMsPerRequest.Keys).Distinct();
        return new LoadGenerator.Result(
            Mid(rounds.Select(r => r.RequestsPerSecond)), Mid(rounds.Select(r => r.P50Ms)), Mid(rounds.Select(r => r.P99Ms)), rounds.Sum(r => r.Errors),
            groups.ToDictionary(g => g, g => Mid(rounds.Select(r => r.CpuMsPerRequest.GetValueOrDefault(g)))), rounds.Sum(r => r.Requests));
    }

    /// <summary>A process's resident memory, from /proc; null where there is none.</summary>
    public static double? RssMb(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
            return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static string Mode(bool stream) => stream ? "stream" : "json";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace Gateway.Bench;

/// <summary>
/// What N instances of one deployment cost and serve: N gateway processes on one embedded PostgreSQL (the first
/// gateway's; the same schema, configuration, master key and keys), one fake upstream, and one wrk spreading the
/// connections over the instances (<see cref="WrkLoad.RunAsync(IReadOnlyList{LoadGenerator.Target}, bool, int, TimeSpan, CpuMeter?)"/>).
/// For each N in turn the deployment is grown or shrunk to N processes (a new one warmed alone first), warmed, then
/// timed; the run prints req/s, p50, p99, the CPU per request of each gateway process, of PostgreSQL and of the whole
/// deployment, and how busy the machine's cores were. With a budgeted key every instance leases headroom of the same
/// organisation budget.
/// </summary>
internal static class ScaleoutBench
{
    private sealed record Step(int Instances, LoadGenerator.Result Result, double? BusyCores);

    public static async Task RunAsync(IReadOnlyList<int> instances, TimeSpan duration, LoadShape load)
    {
        await using var first = await BenchGateway.StartAsync("scaleout", limits: load.Limited);
        var more = new List<GatewayInstance>();
        var loadPid = Environment.ProcessId;
        // Read at every sample: the instances change between steps.
        var meter = new CpuMeter((pid, command, parent) =>
            pid == loadPid || command == "wrk" ? "load" : pid == first.UpstreamPid ? "upstream"
            : pid == first.GatewayPid ? "gateway 1"
            : first.Owns(pid, parent) ? "postgres"
            : more.FindIndex(m => m.Pid == pid) is var i and >= 0 ? $"gateway {i + 2}" : null);
        try
        {
            Console.WriteLine();
            Console.WriteLine(Invariant($"scale-out: N gateway processes on one embedded PostgreSQL, one fake upstream, one wrk dealing its connections to the instances in turn; {load}, {duration.TotalSeconds:0} s per step; {Environment.ProcessorCount} cores shared by all of them"));
            var steps = new List<Step>();
            foreach (var n in instances)
            {
                while (more.Count < n - 1)
                {
                    var instance = await first.StartInstanceAsync($"gateway-{more.Count + 2}");
                    more.Add(instance);
                    // Alone and at full load first: dealt a share of the connections only, a new instance would still
                    // be compiling its hot path when the instances warmed in earlier steps are done.
                    await WrkLoad.RunAsync([Target(instance.ChatUrl, more.Count + 1, first, load)], load.Stream, load.Concurrency, load.Warmup);
                }

                while (more.Count > n - 1)
                {
                    await more[^1].DisposeAsync();
                    more.RemoveAt(more.Count - 1);
                }

                var targets = new[] { first.ChatUrl }.Concat(more.Select(m => m.ChatUrl)).Select((url, i) => Target(url, i + 1, first, load)).ToArray();
                await WrkLoad.RunAsync(targets, load.Stream, load.Concurrency, load.Warmup);
                var machine = new MachineCpu();
                var result = await WrkLoad.RunAsync(targets, load.Stream, load.Concurrency, duration, meter);
                steps.Add(new Step(n, result, machine.BusyCores()));
            }

            Print(steps);
        }
        finally
        {
            // Before the first gateway, which stops the PostgreSQL they use.
            foreach (var instance in more)
                await instance.DisposeAsync();
        }
    }

    private static void Print(List<Step> steps)
    {
        Console.WriteLine();
        Console.WriteLine($"{"N",2} {"req/s",8} {"p50 ms",7} {"p99 ms",7} {"errors",7} {"µs per request in each gateway",-32} {"gateways",8} {"pg",5} {"deploy",6} {"pg share",8} {"load",5} {"upstr",5} {"busy cores",10}");
        foreach (var (n, r, busy) in steps)
        {
            var gateways = Enumerable.Range(1, n).Select(i => Cpu(r, $"gateway {i}")).ToArray();
            var deployment = gateways.Sum() + Cpu(r, "postgres");
            Console.WriteLine(Invariant(
                $"{n,2} {r.RequestsPerSecond,8:N0} {r.P50Ms,7:N2} {r.P99Ms,7:N2} {r.Errors,7} {string.Join(" + ", gateways.Select(g => g.ToString("N0", CultureInfo.InvariantCulture))),-32} {gateways.Sum(),8:N0} {Cpu(r, "postgres"),5:N0} {deployment,6:N0} {Cpu(r, "postgres") / deployment,8:P0} {Cpu(r, "load"),5:N0} {Cpu(r, "upstream"),5:N0} {busy,10:N2}"));
        }

        Console.WriteLine();
        Console.WriteLine("CPU in µs per request of the whole run's requests (a gateway serving a third of them shows a third of its own cost); deploy = the gateways + PostgreSQL.");
        Console.WriteLine(Invariant($"On this machine the instances, PostgreSQL, the upstream and wrk share the same {Environment.ProcessorCount} cores: busy cores near {Environment.ProcessorCount} means the machine saturated, not the deployment, and more instances only split the same cores."));
        Console.WriteLine("busy cores is the whole machine (/proc/stat), other programs included. What carries over to bigger hardware is the deployment's CPU per request and");
        Console.WriteLine("PostgreSQL's share of it; at these costs (lock waits aside, which add no CPU):");
        foreach (var (n, r, _) in steps)
        {
            var postgres = Cpu(r, "postgres");
            var gateways = Enumerable.Range(1, n).Sum(i => Cpu(r, $"gateway {i}"));
            Console.WriteLine(Invariant(
                $"  N={n}: a core of PostgreSQL serves at most {1_000_000 / postgres:N0} req/s and a core of gateway {1_000_000 / gateways:N0}: one PostgreSQL core keeps pace with {gateways / postgres:N1} gateway cores"));
        }
    }

    private static LoadGenerator.Target Target(Uri chatUrl, int instance, BenchGateway first, LoadShape load) =>
        new($"gateway-{instance}", chatUrl, load.Headers(first), "fake:bench-model");

    private static double Cpu(LoadGenerator.Result r, string group) => r.CpuMsPerRequest.GetValueOrDefault(group) * 1000;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace Gateway.Bench;

/// <summary>
/// Added latency and throughput: the same fake upstream (its own process) measured directly, through
/// the real gateway process (authentication, key pool, usage recording on, embedded PostgreSQL) and
/// through Portkey's gateway, at concurrency 1 and 16, plain and streamed.
/// </summary>
internal static class ProxyBench
{
    private const string PortkeyVersion = "1.15.2";

    public static async Task RunAsync(TimeSpan duration)
    {
        await using var gateway = await BenchGateway.StartAsync("proxy");
        await using var portkey = await StartPortkeyAsync(gateway.Work);

        var targets = new List<LoadGenerator.Target>
        {
            new("direct", gateway.UpstreamChatUrl, new Dictionary<string, string> { ["Authorization"] = "Bearer bench-upstream-key" }, "bench-model"),
            new("gateway", gateway.ChatUrl, gateway.Headers, "fake:bench-model"),
        };
        if (portkey is not null)
        {
            targets.Add(new("portkey", new Uri("http://localhost:8787/v1/chat/completions"), new Dictionary<string, string>
            {
                ["Authorization"] = "Bearer bench-upstream-key",
                ["x-portkey-provider"] = "openai",
                ["x-portkey-custom-host"] = gateway.UpstreamChatUrl.GetLeftPart(UriPartial.Authority) + "/v1",
            }, "bench-model"));
        }

        Console.WriteLine();
        Console.WriteLine($"proxy overhead: fake upstream, gateway and {(portkey is null ? "(Portkey unavailable)" : $"Portkey {PortkeyVersion}")} as separate processes on 127.0.0.1, {duration.TotalSeconds:0} s per run, {Environment.ProcessorCount} cores shared with the load generator");
        Console.WriteLine($"{"target",-8} {"mode",-7} {"conc",5} {"req/s",10} {"p50 ms",8} {"p99 ms",8} {"errors",7}");
        var loadPid = Environment.ProcessId;
        var meter = new CpuMeter((pid, command) =>
            pid == loadPid ? "load" : pid == gateway.UpstreamPid ? "upstream" : pid == gateway.GatewayPid ? "gateway"
            : command == "postgres" ? "postgres" : portkey is not null && pid == portkey.Id ? "portkey" : null);
        // Untimed warm-up of every target and mode first: the gateway's tier-1 JIT (with dynamic PGO)
        // otherwise recompiles the hot path during the first timed run and charges it a few milliseconds of tail.
        foreach (var target in targets)
        {
            foreach (var stream in new[] { false, true })
                await LoadGenerator.RunAsync(target, stream, 16, TimeSpan.FromSeconds(3));
        }

        var results = new Dictionary<(string, bool, int), LoadGenerator.Result>();
        foreach (var stream in new[] { false, true })
        {
            foreach (var concurrency in new[] { 1, 16 })
            {
                foreach (var target in targets)
                {
                    var r = await LoadGenerator.RunAsync(target, stream, concurrency, duration, meter);
                    results[(target.Name, stream, concurrency)] = r;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{target.Name,-8} {(stream ? "stream" : "json"),-7} {concurrency,5} {r.RequestsPerSecond,10:N0} {r.P50Ms,8:N2} {r.P99Ms,8:N2} {r.Errors,7}"));
                }
            }
        }

        Console.WriteLine();
        foreach (var stream in new[] { false, true })
        {
            foreach (var concurrency in new[] { 1, 16 })
            {
                var direct = results[("direct", stream, concurrency)];
                var ours = results[("gateway", stream, concurrency)];
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{(stream ? "stream" : "json"),-7} c={concurrency,-3} gateway added p50 {ours.P50Ms - direct.P50Ms,6:N2} ms, added p99 {ours.P99Ms - direct.P99Ms,6:N2} ms");
                if (results.TryGetValue(("portkey", stream, concurrency), out var theirs))
                {
                    line += string.Create(CultureInfo.InvariantCulture,
                        $"; Portkey added p99 {theirs.P99Ms - direct.P99Ms,6:N2} ms; gateway throughput {ours.RequestsPerSecond / theirs.RequestsPerSecond,5:N1}x Portkey's");
                }

                Console.WriteLine(line);
            }
        }

        if (!CpuMeter.Available)
            return;
        // Where the two cores went: at concurrency 16 the machine is saturated, so every microsecond
        // a process spends per request is latency that the others queue behind.
        Console.WriteLine();
        Console.WriteLine("CPU per request (µs) by process");
        var groups = new[] { "load", "upstream", "gateway", "postgres", "portkey" };
        Console.WriteLine($"{"target",-8} {"mode",-7} {"conc",5} " + string.Join(" ", groups.Select(g => $"{g,9}")) + $" {"total",9}");
        foreach (var ((name, stream, concurrency), r) in results)
        {
            var cells = groups.Select(g => r.CpuMsPerRequest.TryGetValue(g, out var ms) ? ms * 1000 : 0).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-8} {(stream ? "stream" : "json"),-7} {concurrency,5} ") + string.Join(" ", cells.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c,9:N0}")))
                + string.Create(CultureInfo.InvariantCulture, $" {cells.Sum(),9:N0}"));
        }
    }

    /// <summary>Portkey's gateway from npm, installed once under bench/.portkey; null when npm cannot provide it.</summary>
    private static async Task<ChildProcess?> StartPortkeyAsync(string work)
    {
        var home = Path.Combine(FindRepoRoot(), "bench", ".portkey");
        var script = Path.Combine(home, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
        try
        {
            if (!File.Exists(script))
            {
                Directory.CreateDirectory(home);
                await using var install = ChildProcess.Start("npm", ["install", "--no-audit", "--no-fund", "--prefix", home, $"@portkey-ai/gateway@{PortkeyVersion}"], home, Path.Combine(work, "portkey-install.log"));
                if (await install.WaitForExitAsync(TimeSpan.FromMinutes(3)) != 0)
                    Console.WriteLine("Portkey not measured: npm could not install it");
            }

            if (!File.Exists(script))
                return null;
            var portkey = ChildProcess.Start("node", [script], work, Path.Combine(work, "portkey.log"));
            await ChildProcess.WaitForAsync(new Uri("http://localhost:8787/"), TimeSpan.FromSeconds(30), portkey);
            return portkey;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            Console.WriteLine($"Portkey not measured: {e.Message}");
            return null;
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
                return dir.FullName;
        }

        return Directory.GetCurrentDirectory();
    }
}

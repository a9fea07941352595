using System.Globalization;

namespace Gateway.Bench;

/// <summary>
/// Added latency, throughput, CPU and memory of one proxy hop, every target measured in the same run against the same
/// fake upstream (its own process): direct, a bare YARP forwarder (the floor for a .NET proxy), the real gateway
/// process (authentication, key pool, pricing and usage recording on, embedded PostgreSQL) with a key of an
/// organisation without a budget and one with a budget (the lease path), optionally another build of the gateway, and
/// Portkey's gateway; json and stream, concurrency 1 and 16. Every target is warmed first; with several rounds the
/// targets take turns and the medians are reported.
/// </summary>
internal static class ProxyBench
{
    private const string PortkeyVersion = "1.15.2";

    /// <param name="compareDll">Another build's gateway.dll, measured beside this one (e.g. the commit before a change).</param>
    /// <param name="warmup">How long each target is loaded in each mode before anything is timed.</param>
    public static async Task RunAsync(TimeSpan duration, int rounds, string? compareDll, TimeSpan warmup)
    {
        await using var gateway = await BenchGateway.StartAsync("proxy");
        await using var other = compareDll is null ? null : await BenchGateway.StartAsync("proxy-other", gatewayDll: compareDll);
        await using var yarp = await StartYarpAsync(gateway);
        await using var portkey = await StartPortkeyAsync(gateway.Work);

        var targets = new List<LoadGenerator.Target>
        {
            new("direct", gateway.UpstreamChatUrl, new Dictionary<string, string> { ["Authorization"] = "Bearer bench-upstream-key" }, "bench-model"),
            new("yarp", new Uri($"http://127.0.0.1:{yarp.Port}/v1/chat/completions"), new Dictionary<string, string> { ["Authorization"] = "Bearer bench-upstream-key" }, "bench-model"),
            new("gateway", gateway.ChatUrl, gateway.Headers, "fake:bench-model"),
            new("budgeted", gateway.ChatUrl, gateway.BudgetedHeaders, "fake:bench-model"),
        };
        if (other is not null)
            targets.Add(new("other", other.ChatUrl, other.Headers, "fake:bench-model"));
        if (portkey is not null)
        {
            targets.Add(new("portkey", new Uri("http://localhost:8787/v1/chat/completions"), new Dictionary<string, string>
            {
                ["Authorization"] = "Bearer bench-upstream-key",
                ["x-portkey-provider"] = "openai",
                ["x-portkey-custom-host"] = gateway.UpstreamChatUrl.GetLeftPart(UriPartial.Authority) + "/v1",
            }, "bench-model"));
        }

        var loadPid = Environment.ProcessId;
        var meter = new CpuMeter((pid, command, parent) =>
            pid == loadPid || command == "wrk" ? "load" : pid == gateway.UpstreamPid ? "upstream" : pid == yarp.Process.Id ? "yarp"
            : gateway.Owns(pid, parent) ? (command == "postgres" ? "postgres" : "gateway")
            : other?.Owns(pid, parent) == true ? (command == "postgres" ? "other-pg" : "other")
            : portkey is not null && pid == portkey.Id ? "portkey" : null);

        Console.WriteLine();
        Console.WriteLine($"proxy overhead: fake upstream, YARP, gateway{(other is null ? "" : $", other build ({compareDll})")} and {(portkey is null ? "(Portkey unavailable)" : $"Portkey {PortkeyVersion}")} as separate processes on 127.0.0.1; load by {WrkLoad.Name}; "
            + $"{duration.TotalSeconds:0} s per run after {warmup.TotalSeconds:0} s of warm-up per target and mode, {rounds} round(s), {Environment.ProcessorCount} cores shared with the load generator");
        // Every target is warmed in both modes before anything is timed: the gateway's tiered JIT (with dynamic PGO)
        // otherwise recompiles the hot path during the first timed runs.
        foreach (var target in targets)
        {
            foreach (var stream in new[] { false, true })
                await WrkLoad.RunAsync(target, stream, 16, warmup);
        }

        var results = new Dictionary<(string Target, bool Stream, int Concurrency), List<LoadGenerator.Result>>();
        foreach (var stream in new[] { false, true })
        {
            foreach (var concurrency in new[] { 1, 16 })
            {
                for (var round = 0; round < rounds; round++)
                {
                    foreach (var target in targets)
                    {
                        var r = await WrkLoad.RunAsync(target, stream, concurrency, duration, meter);
                        (results.TryGetValue((target.Name, stream, concurrency), out var list) ? list : results[(target.Name, stream, concurrency)] = []).Add(r);
                    }
                }
            }
        }

        var rss = new Dictionary<string, double?>
        {
            ["yarp"] = ProxyReport.RssMb(yarp.Process.Id),
            ["gateway"] = ProxyReport.RssMb(gateway.GatewayPid),
            ["other"] = other is null ? null : ProxyReport.RssMb(other.GatewayPid),
            ["portkey"] = portkey is null ? null : ProxyReport.RssMb(portkey.Id),
        };
        ProxyReport.Print(results.ToDictionary(r => r.Key, r => ProxyReport.Median(r.Value)), rss);
    }

    private sealed record Yarp(ChildProcess Process, int Port) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }

    /// <summary>The bare YARP forwarder in its own process, with the gateway's GC settings (workstation GC, concurrent).</summary>
    private static async Task<Yarp> StartYarpAsync(BenchGateway gateway)
    {
        var port = Gateway.Host.Persistence.Postgres.LocalPostgresCluster.FreeLoopbackPort();
        var process = ChildProcess.Start("dotnet", [typeof(ProxyBench).Assembly.Location, "yarp", "--port", port.ToString(CultureInfo.InvariantCulture), "--upstream", gateway.UpstreamChatUrl.ToString()],
            gateway.Work, Path.Combine(gateway.Work, "yarp.log"), new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" });
        await ChildProcess.WaitForAsync(new Uri($"http://127.0.0.1:{port}/health"), TimeSpan.FromSeconds(30), process);
        return new Yarp(process, port);
    }

    /// <summary>Portkey's gateway from npm, installed once under bench/.portkey; null when npm cannot provide it.</summary>
    private static async Task<ChildProcess?> StartPortkeyAsync(string work)
    {
        var home = Path.Combine(RepositoryRoot.Path, "bench", ".portkey");
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
}

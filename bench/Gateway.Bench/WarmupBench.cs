using System.Diagnostics;
using System.Globalization;

namespace Gateway.Bench;

/// <summary>
/// How soon after readiness a fresh gateway serves at full speed: each variant (this build as the JIT compiles it, the
/// same published ReadyToRun, and runtime settings of tiering and the GC on top) is started cold and loaded at once, json at concurrency
/// 16, one-second slices for the whole run; full speed is the median of its last five slices, and the run says after
/// how many seconds a slice first reached 90 % of it.
/// </summary>
internal static class WarmupBench
{
    private sealed record Variant(string Name, string GatewayDll, IReadOnlyDictionary<string, string> Environment);

    /// <param name="only">Names of the variants to run (all when empty).</param>
    public static async Task RunAsync(TimeSpan duration, IReadOnlyCollection<string> only)
    {
        var work = Directory.CreateTempSubdirectory("gateway-warmupbench-").FullName;
        try
        {
            var jit = Path.Combine(AppContext.BaseDirectory, "gateway.dll");
            var variants = new List<Variant>
            {
                new("jit", jit, new Dictionary<string, string>()),
                // No tiering: the gateway's own code is compiled optimised at its first call; the framework's ReadyToRun code stays.
                new("jit, TC off", jit, new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" }),
                // Nothing precompiled is used and nothing tiers: every method is compiled optimised at its first call, before readiness
                // for what start-up runs, and the slower start is the price.
                new("jit, R2R off, TC off", jit, new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0", ["DOTNET_ReadyToRun"] = "0" }),
                // Methods without precompiled code are compiled optimised at once; precompiled ones still tier up (with PGO).
                new("jit, QuickJit off", jit, new Dictionary<string, string> { ["DOTNET_TC_QuickJit"] = "0" }),
                // Call counting begins at once rather than after 100 ms without new first calls, which a loaded gateway keeps putting off.
                new("jit, TC delay 0", jit, new Dictionary<string, string> { ["DOTNET_TC_CallCountingDelayMs"] = "0" }),
            };
            if ((only.Count == 0 || only.Any(o => o.StartsWith("r2r", StringComparison.Ordinal))) && await PublishReadyToRunAsync(work) is { } published)
            {
                variants.Add(new("r2r", published, new Dictionary<string, string>()));
                variants.Add(new("r2r, no PGO", published, new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "0" }));
                variants.Add(new("r2r, TC delay 0", published, new Dictionary<string, string> { ["DOTNET_TC_CallCountingDelayMs"] = "0" }));
                // No tiering: ReadyToRun code stays as it is, and what it lacks is compiled optimised at once.
                variants.Add(new("r2r, TC off", published, new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" }));
                // Server GC adapts its heap count to the load (DATAS) from one heap up; these take that out of the ramp.
                variants.Add(new("r2r, no DATAS", published, new Dictionary<string, string> { ["DOTNET_GCDynamicAdaptationMode"] = "0" }));
                variants.Add(new("r2r, wks GC", published, new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" }));
                // Code pages mapped once, writable and executable, rather than twice (W^X): every JIT and stub write toggles no mapping.
                variants.Add(new("r2r, W^X off", published, new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" }));
            }

            var seconds = Math.Max(10, (int)duration.TotalSeconds);
            Console.WriteLine();
            Console.WriteLine($"warm-up: req/s in each second after readiness, json, c=16, load by {WrkLoad.Name}; full speed = the median of the last 5 s");
            foreach (var variant in variants.Where(v => only.Count == 0 || only.Contains(v.Name)))
                await MeasureAsync(variant, seconds);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task MeasureAsync(Variant variant, int seconds)
    {
        await using var gateway = await BenchGateway.StartAsync("warmup", gatewayDll: variant.GatewayDll, environment: variant.Environment);
        var target = new LoadGenerator.Target("gateway", gateway.ChatUrl, gateway.Headers, "fake:bench-model");
        var slices = new List<double>();
        var loadBegan = DateTime.UtcNow;
        for (var i = 0; i < seconds; i++)
            slices.Add((await WrkLoad.RunAsync(target, false, 16, TimeSpan.FromSeconds(1))).RequestsPerSecond);
        var full = slices.TakeLast(5).Order().ElementAt(2);
        var reached = slices.FindIndex(s => s >= 0.9 * full);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{variant.Name,-16} full speed {full,7:N0} req/s, 90 % of it in second {reached + 1,2} after the load began ({(loadBegan - gateway.ReadyAt).TotalSeconds:N1} s after readiness, ready {gateway.StartToReady.TotalSeconds:N1} s after start); each second: {string.Join(" ", slices.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))}"));
    }

    /// <summary>This build's gateway published as ReadyToRun into <paramref name="work"/>; null (said why) when the SDK cannot.</summary>
    private static async Task<string?> PublishReadyToRunAsync(string work)
    {
        var project = Path.Combine(RepositoryRoot.Path, "src", "Gateway.Host", "Gateway.Host.csproj");
        var output = Path.Combine(work, "r2r");
        var psi = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", output])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var publish = Process.Start(psi)!;
        var log = await publish.StandardOutput.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode == 0)
            return Path.Combine(output, "gateway.dll");
        Console.WriteLine($"ReadyToRun not measured: dotnet publish exited with {publish.ExitCode}: {log.Split('\n').LastOrDefault(l => l.Contains("error", StringComparison.Ordinal))}");
        return null;
    }
}

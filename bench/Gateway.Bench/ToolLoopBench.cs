using System.Globalization;

namespace Gateway.Bench;

/// <summary>
/// What one round of the tool loop costs: the same request through the real gateway process, without tools (one model
/// call) and asking for the gateway's web search (the fake upstream calls it, the search asks a SearXNG backend that
/// answers no results at once, the model is called again and answers), at concurrency 1 and 8, whole answers. The
/// difference is one iteration: the held call read in canonical form, the tool run held on budgets and recorded, the
/// next request built, and the second model call with its own admission and record.
/// </summary>
internal static class ToolLoopBench
{
    public static async Task RunAsync(TimeSpan duration)
    {
        await using var gateway = await BenchGateway.StartAsync("toolloop", upstreamPort => $"""
            tools:
              web_search: {"{"} enabled: true, url: "http://127.0.0.1:{upstreamPort}", cache_minutes: 0 {"}"}
            outbound:
              allow: ["127.0.0.1:{upstreamPort}"]
            """);
        var plain = new LoadGenerator.Target("no tools", gateway.ChatUrl, gateway.Headers, "fake:bench-model");
        var tooled = plain with { Name = "web search", Tools = """[{"type":"gateway_web_search"}]""" };
        var direct = new LoadGenerator.Target("direct", gateway.UpstreamChatUrl, new Dictionary<string, string> { ["Authorization"] = "Bearer bench-upstream-key" }, "bench-model");
        foreach (var target in new[] { direct, plain, tooled })
            await LoadGenerator.RunAsync(target, false, 8, TimeSpan.FromSeconds(3));

        Console.WriteLine();
        Console.WriteLine($"tool loop: one iteration (a web search that returns at once) against the same request without tools, whole answers, {duration.TotalSeconds:0} s per run, {Environment.ProcessorCount} cores shared with the load generator");
        Console.WriteLine($"{"target",-11} {"conc",5} {"req/s",10} {"p50 ms",8} {"p99 ms",8} {"errors",7}");
        foreach (var concurrency in new[] { 1, 8 })
        {
            var results = new Dictionary<string, LoadGenerator.Result>();
            foreach (var target in new[] { direct, plain, tooled })
            {
                var r = results[target.Name] = await LoadGenerator.RunAsync(target, false, concurrency, duration);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target.Name,-11} {concurrency,5} {r.RequestsPerSecond,10:N0} {r.P50Ms,8:N2} {r.P99Ms,8:N2} {r.Errors,7}"));
            }

            var (one, loop) = (results["no tools"], results["web search"]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"c={concurrency,-2} one iteration adds p50 {loop.P50Ms - one.P50Ms:N2} ms, p99 {loop.P99Ms - one.P99Ms:N2} ms; the loop request takes {loop.P50Ms / one.P50Ms:N2}x the plain one at p50 ({one.RequestsPerSecond / loop.RequestsPerSecond:N2}x fewer req/s)"));
        }
    }
}

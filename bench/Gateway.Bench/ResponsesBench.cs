using System.Globalization;

namespace Gateway.Bench;

/// <summary>
/// What the Responses API's stored state costs: one gateway (embedded PostgreSQL, usage recording on) before the fake
/// upstream, which serves chat completions only, so every Responses request is translated. The same short prompt as
/// a Responses request that is stored (the API's default), one with <c>store: false</c>, and a chat completion, in
/// turns, json at concurrency 16; medians of the rounds, the gateway's and its PostgreSQL's CPU per request apart.
/// </summary>
internal static class ResponsesBench
{
    public static async Task RunAsync(TimeSpan duration, int rounds, TimeSpan warmup)
    {
        await using var gateway = await BenchGateway.StartAsync("responses");
        var responses = new Uri(gateway.ChatUrl, "/v1/responses");
        const string Prompt = "Say something short.";
        LoadGenerator.Target[] targets =
        [
            new("stored", responses, gateway.Headers, "fake:bench-model", Body: $$"""{"model":"fake:bench-model","input":"{{Prompt}}"}"""),
            new("store false", responses, gateway.Headers, "fake:bench-model", Body: $$"""{"model":"fake:bench-model","input":"{{Prompt}}","store":false}"""),
            new("chat", gateway.ChatUrl, gateway.Headers, "fake:bench-model"),
        ];
        var meter = new CpuMeter((pid, command, parent) =>
            pid == gateway.GatewayPid ? "gateway" : gateway.Owns(pid, parent) ? "postgres" : null);

        Console.WriteLine();
        Console.WriteLine($"responses: one gateway, translated to a chat-completions-only fake upstream; load by {WrkLoad.Name}, json, c=16, "
            + $"{duration.TotalSeconds:0} s per run after {warmup.TotalSeconds:0} s of warm-up per target, {rounds} round(s)");
        foreach (var target in targets)
            await WrkLoad.RunAsync(target, false, 16, warmup);
        var results = targets.ToDictionary(t => t.Name, _ => new List<LoadGenerator.Result>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var target in targets)
                results[target.Name].Add(await WrkLoad.RunAsync(target, false, 16, duration, meter));
        }

        Console.WriteLine($"{"request",-12} {"req/s",9} {"p50 ms",8} {"p99 ms",8} {"gateway µs",11} {"PG µs",7} {"errors",7}");
        double Median(IEnumerable<double> values) => values.Order().ElementAt(rounds / 2);
        var chatRate = Median(results["chat"].Select(r => r.RequestsPerSecond));
        foreach (var (name, runs) in results)
        {
            var rate = Median(runs.Select(r => r.RequestsPerSecond));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-12} {rate,9:N0} {Median(runs.Select(r => r.P50Ms)),8:N2} {Median(runs.Select(r => r.P99Ms)),8:N2} "
                + $"{Median(runs.Select(r => r.CpuMsPerRequest.GetValueOrDefault("gateway") * 1000)),11:N0} {Median(runs.Select(r => r.CpuMsPerRequest.GetValueOrDefault("postgres") * 1000)),7:N0} "
                + $"{runs.Sum(r => r.Errors),7}   {rate / chatRate:N2}x chat's req/s"));
        }
    }
}

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Gateway.Bench;

/// <summary>A closed-loop load generator: N workers, each sending its next request when the last one ends.</summary>
internal static class LoadGenerator
{
    /// <param name="Tools">The request's <c>tools</c> as JSON, when it asks for some.</param>
    /// <param name="Body">The request's whole body, for an API other than chat completions (then <c>stream</c> is the body's to say).</param>
    internal sealed record Target(string Name, Uri Url, IReadOnlyDictionary<string, string> Headers, string Model, string? Tools = null, string? Body = null);

    /// <param name="CpuMsPerRequest">CPU milliseconds each process group spent per request, when measured.</param>
    /// <param name="Requests">How many requests were sent, failures and a load generator's own warm-up included: what the gateway had to record.</param>
    internal sealed record Result(double RequestsPerSecond, double P50Ms, double P99Ms, int Errors, IReadOnlyDictionary<string, double> CpuMsPerRequest, long Requests);

    /// <summary>The one request every load generator sends: a short chat completion, whole or streamed.</summary>
    public static string Body(Target target, bool stream) => target.Body ??
        $$"""{"model":"{{target.Model}}","messages":[{"role":"user","content":"Say something short."}],"stream":{{(stream ? "true" : "false")}}{{(target.Tools is null ? "" : ",\"tools\":" + target.Tools)}}}""";

    public static Task<Result> RunAsync(Target target, bool stream, int concurrency, TimeSpan duration, CpuMeter? meter = null) =>
        RunAsync([target], stream, concurrency, duration, meter);

    /// <summary>The load spread over several instances of one deployment: worker w sends to target w modulo their count.</summary>
    public static async Task<Result> RunAsync(IReadOnlyList<Target> targets, bool stream, int concurrency, TimeSpan duration, CpuMeter? meter = null)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var bodies = targets.Select(t => Encoding.UTF8.GetBytes(Body(t, stream))).ToArray();

        async Task<bool> OnceAsync(int worker)
        {
            var target = targets[worker % targets.Count];
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(bodies[worker % targets.Count]) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            foreach (var (name, value) in target.Headers)
                request.Headers.TryAddWithoutValidation(name, value);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var content = await response.Content.ReadAsStreamAsync();
            await content.CopyToAsync(Stream.Null);
            return response.IsSuccessStatusCode;
        }

        var warmup = Stopwatch.StartNew();
        var warmed = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
        {
            while (warmup.Elapsed < TimeSpan.FromSeconds(1))
            {
                await OnceAsync(w);
                Interlocked.Increment(ref warmed);
            }
        }));

        var latencies = new List<double>[concurrency];
        var errors = 0;
        meter?.Start();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                var ok = await OnceAsync(w);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (!ok)
                    Interlocked.Increment(ref errors);
            }
        })));
        var cpu = meter?.Stop() ?? new Dictionary<string, double>();
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(
            all.Length / clock.Elapsed.TotalSeconds, all[all.Length / 2], all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))], errors,
            cpu.ToDictionary(c => c.Key, c => c.Value / all.Length), warmed + all.Length);
    }
}

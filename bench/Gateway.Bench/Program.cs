using Gateway.Bench;

// Runnable benchmarks; every run is bounded in time and stops by itself, and every target is on 127.0.0.1.
//   dotnet run -c Release --project bench/Gateway.Bench -- [eventstore|proxy|warmup|toolloop|usagewriter|all] [--seconds N] [--writers N]
//     usagewriter also takes [--history N] (rows already stored before each scenario, 1,000,000 by default)
//     proxy also takes [--rounds N] (targets take turns N times, medians reported), [--warmup S] (seconds per target
//     and mode before timing, 8 by default) and [--compare other/gateway.dll]
//   ... -- responses [--seconds 5] [--rounds N] [--warmup S] (stored Responses requests against store false and chat)
//   ... -- warmup [--seconds 20] [--only "variant name"]... (repeatable; all variants by default)
//   ... -- soak [--minutes 10] [--interval S] [--concurrency 16] [--stream] [--budget] [--limits] [--warmup S]
//   ... -- scaleout [--instances 1,2,3] [--seconds 5] [--concurrency 16] [--stream] [--budget] [--limits] [--warmup S]
//   (the "upstream --port N" and "yarp --port N --upstream URL" commands are the fake upstream and the bare YARP
//   forwarder the proxy benchmark starts as their own processes)
var command = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var seconds = Option("--seconds", 5);
var writers = Option("--writers", 8);
var rounds = Option("--rounds", 1);
var warmup = TimeSpan.FromSeconds(Option("--warmup", 8));
var history = Option("--history", 1_000_000);
var compare = args.SkipWhile(a => a != "--compare").Skip(1).Select(Path.GetFullPath).FirstOrDefault();
var duration = TimeSpan.FromSeconds(seconds);
var load = new LoadShape(Option("--concurrency", 16), args.Contains("--stream"), args.Contains("--budget"), warmup, args.Contains("--limits"));
var instances = args.SkipWhile(a => a != "--instances").Skip(1).Select(v => v.Split(',').Select(int.Parse).ToArray()).FirstOrDefault([1, 2, 3]);
if (instances.Any(n => n < 1 || n > load.Concurrency))
{
    Console.Error.WriteLine($"--instances {string.Join(',', instances)}: each must be at least 1 and at most the concurrency ({load.Concurrency}), or an instance would get no connection");
    return 2;
}

switch (command)
{
    case "upstream":
        await BenchUpstream.RunAsync(args.SkipWhile(a => a != "--port").Skip(1).Select(int.Parse).First());
        break;
    case "yarp":
        await YarpForwarder.RunAsync(args.SkipWhile(a => a != "--port").Skip(1).Select(int.Parse).First(), new Uri(args.SkipWhile(a => a != "--upstream").Skip(1).First()));
        break;
    case "eventstore":
        await EventStoreBench.RunAsync(duration, writers);
        break;
    case "proxy":
        await ProxyBench.RunAsync(duration, rounds, compare, warmup);
        break;
    case "responses":
        await ResponsesBench.RunAsync(duration, rounds, warmup);
        break;
    case "warmup":
        await WarmupBench.RunAsync(duration, args.Select((a, i) => (a, i)).Where(p => p.a == "--only" && p.i + 1 < args.Length).Select(p => args[p.i + 1]).ToArray());
        break;
    case "toolloop":
        await ToolLoopBench.RunAsync(duration);
        break;
    case "soak" when Option("--interval", 60) < 1:
        Console.Error.WriteLine("--interval is in whole seconds, at least 1");
        return 2;
    case "soak":
        await SoakBench.RunAsync(TimeSpan.FromMinutes(Option("--minutes", 10)), TimeSpan.FromSeconds(Option("--interval", 60)), load);
        break;
    case "scaleout":
        await ScaleoutBench.RunAsync(instances, duration, load);
        break;
    case "usagewriter":
        await UsageWriterBench.RunAsync(duration, history);
        break;
    case "all":
        await EventStoreBench.RunAsync(duration, writers);
        await ProxyBench.RunAsync(duration, rounds, compare, warmup);
        await WarmupBench.RunAsync(duration, args.Select((a, i) => (a, i)).Where(p => p.a == "--only" && p.i + 1 < args.Length).Select(p => args[p.i + 1]).ToArray());
        await ToolLoopBench.RunAsync(duration);
        await UsageWriterBench.RunAsync(duration, history);
        break;
    default:
        Console.Error.WriteLine($"unknown benchmark '{command}': use eventstore, proxy, warmup, toolloop, soak, scaleout, usagewriter or all");
        return 2;
}

return 0;

int Option(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).FirstOrDefault(fallback);

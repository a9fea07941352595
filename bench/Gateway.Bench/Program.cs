using Gateway.Bench;

// Runnable benchmarks; every run is bounded in time and stops by itself, and every target is on 127.0.0.1.
//   dotnet run -c Release --project bench/Gateway.Bench -- [eventstore|proxy|warmup|toolloop|usagewriter|all] [--seconds N] [--writers N]
//     usagewriter also takes [--history N] (rows already stored before each scenario, 1,000,000 by default)
//     proxy also takes [--rounds N] (targets take turns N times, medians reported), [--warmup S] (seconds per target
//     and mode before timing, 8 by default) and [--compare other/gateway.dll]
//   (the "upstream --port N" and "yarp --port N --upstream URL" commands are the fake upstream and the bare YARP
//   forwarder the proxy benchmark starts as their own processes)
var command = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).FirstOrDefault(5);
var writers = args.SkipWhile(a => a != "--writers").Skip(1).Select(int.Parse).FirstOrDefault(8);
var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).FirstOrDefault(1);
var warmup = TimeSpan.FromSeconds(args.SkipWhile(a => a != "--warmup").Skip(1).Select(int.Parse).FirstOrDefault(8));
var history = args.SkipWhile(a => a != "--history").Skip(1).Select(int.Parse).FirstOrDefault(1_000_000);
var compare = args.SkipWhile(a => a != "--compare").Skip(1).Select(Path.GetFullPath).FirstOrDefault();
var duration = TimeSpan.FromSeconds(seconds);

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
    case "warmup":
        await WarmupBench.RunAsync(duration);
        break;
    case "toolloop":
        await ToolLoopBench.RunAsync(duration);
        break;
    case "usagewriter":
        await UsageWriterBench.RunAsync(duration, history);
        break;
    case "all":
        await EventStoreBench.RunAsync(duration, writers);
        await ProxyBench.RunAsync(duration, rounds, compare, warmup);
        await WarmupBench.RunAsync(duration);
        await ToolLoopBench.RunAsync(duration);
        await UsageWriterBench.RunAsync(duration, history);
        break;
    default:
        Console.Error.WriteLine($"unknown benchmark '{command}': use eventstore, proxy, warmup, toolloop, usagewriter or all");
        return 2;
}

return 0;

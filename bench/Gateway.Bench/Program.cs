using Gateway.Bench;

// Runnable benchmarks; every run is bounded in time and stops by itself, and every target is on 127.0.0.1.
//   dotnet run -c Release --project bench/Gateway.Bench -- [eventstore|proxy|toolloop|all] [--seconds N] [--writers N]
//   (the "upstream --port N" command is the fake upstream the proxy benchmark starts as its own process)
var command = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).FirstOrDefault(5);
var writers = args.SkipWhile(a => a != "--writers").Skip(1).Select(int.Parse).FirstOrDefault(8);
var duration = TimeSpan.FromSeconds(seconds);

switch (command)
{
    case "upstream":
        await BenchUpstream.RunAsync(args.SkipWhile(a => a != "--port").Skip(1).Select(int.Parse).First());
        break;
    case "eventstore":
        await EventStoreBench.RunAsync(duration, writers);
        break;
    case "proxy":
        await ProxyBench.RunAsync(duration);
        break;
    case "toolloop":
        await ToolLoopBench.RunAsync(duration);
        break;
    case "all":
        await EventStoreBench.RunAsync(duration, writers);
        await ProxyBench.RunAsync(duration);
        await ToolLoopBench.RunAsync(duration);
        break;
    default:
        Console.Error.WriteLine($"unknown benchmark '{command}': use eventstore, proxy, toolloop or all");
        return 2;
}

return 0;

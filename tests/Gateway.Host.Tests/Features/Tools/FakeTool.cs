using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Host.Features.Tools;
using Gateway.Tools;
using Gateway.Tools.CodeExecution;
using Gateway.Tools.WebSearch;
using WebSearchHit = Gateway.Tools.WebSearch.WebSearchHit;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// A gateway tool that answers every call at once with <see cref="Answer"/>, billed as one call of <see cref="Duration"/>
/// (or fails, when <see cref="Fails"/> is set); it keeps the arguments of every call and counts its sessions.
/// </summary>
internal sealed class FakeTool(string name) : IGatewayTool
{
    public string Name => name;

    public ToolAvailability Availability { get; set; } = ToolAvailability.Available;

    public JsonObject ParametersSchema => new() { ["type"] = "object", ["properties"] = new JsonObject { ["query"] = new JsonObject { ["type"] = "string" } } };

    /// <summary>The one result every search finds; <see cref="Answer"/> is its text as the model reads it.</summary>
    public static readonly WebSearchHit Hit = new("Example Domain", new Uri("https://example.com/"), null, "This domain is for use in documentation.", "For documentation.", PageStatus.Extracted, null);

    public string Answer { get; set; } = "[1] Example Domain (https://example.com/)\nThis domain is for use in documentation.";

    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(2);

    public bool Fails { get; set; }

    /// <summary>What every run of the fake code execution prints.</summary>
    public const string Printed = "4\n";

    /// <summary>When set, every run waits for it to complete, as a tool that takes its time; <see cref="Running"/> says one began.</summary>
    public TaskCompletionSource? Hold { get; set; }

    public TaskCompletionSource Running { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<JsonObject> Calls { get; } = new();

    /// <summary>The request options each session was opened with, in order.</summary>
    public ConcurrentQueue<JsonObject> SessionOptions { get; } = new();

    public int Opened;

    public int Closed;

    public IToolSession OpenSession(JsonObject? requestOptions)
    {
        if (requestOptions?["max_results"] is JsonValue max && (int)max > 10)
            throw new ToolOptionsException("max_results", "must be an integer from 1 to 10");
        Interlocked.Increment(ref Opened);
        SessionOptions.Enqueue(requestOptions?.DeepClone().AsObject() ?? []);
        return new Session(this);
    }

    private sealed class Session(FakeTool tool) : IToolSession
    {
        public async Task<ToolRun> RunAsync(JsonObject arguments, CancellationToken ct)
        {
            tool.Calls.Enqueue(arguments);
            tool.Running.TrySetResult();
            if (tool.Hold is { } hold)
                await hold.Task.WaitAsync(ct);
            return tool.Fails
                ? ToolRun.Failure("the backend answered 500")
                : ToolRun.Success(tool.Answer, Result(arguments), ToolUsage.OneCall(tool.Duration));
        }

        /// <summary>The fake code execution prints <see cref="Printed"/>; the fake search finds <see cref="Hit"/>.</summary>
        private ToolResult Result(JsonObject arguments) => tool.Name == GatewayToolNames.Type(GatewayToolKind.CodeExecution)
            ? new CodeExecutionResult(CodeExecutionOutcome.Completed, 0, new CapturedOutput(Printed, Printed.Length, false), new CapturedOutput("", 0, false), [], 0, false, tool.Duration)
            : new WebSearchResult((string?)arguments["query"] ?? "", [Hit]);

        public ValueTask DisposeAsync()
        {
            Interlocked.Increment(ref tool.Closed);
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Starts the <see cref="FakeTool"/>s in place of the real ones (the gateway still decides which are enabled).</summary>
internal sealed class FakeToolStarter : IToolStarter
{
    public FakeTool WebSearch { get; } = new(GatewayToolNames.Type(GatewayToolKind.WebSearch));

    public FakeTool CodeExecution { get; } = new(GatewayToolNames.Type(GatewayToolKind.CodeExecution));

    public Task<IGatewayTool> StartAsync(GatewayToolKind kind, CancellationToken ct) => Task.FromResult<IGatewayTool>(kind switch
    {
        GatewayToolKind.WebSearch => WebSearch,
        GatewayToolKind.CodeExecution => CodeExecution,
    });

    public string Describe(IGatewayTool tool) => "a fake";
}

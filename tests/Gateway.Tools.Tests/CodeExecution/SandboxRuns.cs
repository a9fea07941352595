using System.Text.Json.Nodes;
using Gateway.Tools.CodeExecution;

namespace Gateway.Tools.Tests.CodeExecution;

internal static class SandboxRuns
{
    /// <summary>Runs one call that must succeed as a tool run (the code itself may fail) and be billed as one call.</summary>
    public static async Task<CodeExecutionResult> SucceededAsync(IToolSession session, string code)
    {
        var run = await session.RunAsync(new JsonObject { ["code"] = code }, TestContext.Current.CancellationToken);
        Assert.True(run.Succeeded, run.Text);
        Assert.Equal(1, run.Billable.Calls);
        var result = Assert.IsType<CodeExecutionResult>(run.Result);
        Assert.Equal(result.Duration, run.Billable.Duration);
        return result;
    }

    /// <summary>The code ran to its end with exit code 0; its stdout.</summary>
    public static string Completed(CodeExecutionResult result)
    {
        Assert.True(result.Outcome == CodeExecutionOutcome.Completed && result.ExitCode == 0, $"{result.Outcome} {result.ExitCode}: {result.Stderr.Text}");
        return result.Stdout.Text;
    }
}

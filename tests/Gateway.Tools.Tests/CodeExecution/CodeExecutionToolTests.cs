using System.Text.Json.Nodes;
using Gateway.Tools.CodeExecution;

namespace Gateway.Tools.Tests.CodeExecution;

[Collection(SharedSandbox.Name)]
public sealed class CodeExecutionToolTests(SandboxFixture sandbox)
{
    [Fact]
    public void The_probe_finds_the_sandbox_working_here_and_says_what_confines_the_code()
    {
        Assert.Equal(ToolAvailability.Available, sandbox.Tool.Availability);
        Assert.Equal("gateway_code_execution", sandbox.Tool.Name);
        Assert.StartsWith("bubblewrap sandboxes with a seccomp filter, uids 71000-71002, memory: 256 MiB", sandbox.Tool.SandboxDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void The_model_is_offered_one_required_string_argument_code()
    {
        var schema = sandbox.Tool.ParametersSchema;

        Assert.Equal("string", (string?)schema["properties"]!["code"]!["type"]);
        Assert.Equal("[\"code\"]", schema["required"]!.ToJsonString());
        Assert.NotSame(schema, sandbox.Tool.ParametersSchema);
    }

    [Fact]
    public async Task A_missing_bwrap_makes_the_tool_unavailable_with_the_reason_and_its_runs_fail_unbilled()
    {
        var tool = await CodeExecutionTool.StartAsync(new CodeExecutionOptions { Bwrap = "/nonexistent/bwrap" }, TimeProvider.System, TestContext.Current.CancellationToken);
        await using var session = tool.OpenSession(null);

        var run = await session.RunAsync(new JsonObject { ["code"] = "print('never runs')" }, TestContext.Current.CancellationToken);

        Assert.Equal(ToolAvailability.Unavailable("/nonexistent/bwrap is missing (Debian package bubblewrap)"), tool.Availability);
        Assert.Null(tool.SandboxDescription);
        Assert.Equal((ToolRunStatus.Failed, ToolUsage.None, null), (run.Status, run.Billable, run.Result));
        Assert.Equal("code execution is unavailable: /nonexistent/bwrap is missing (Debian package bubblewrap)", run.Text);
    }

    [Fact]
    public async Task A_sandbox_that_fails_its_probe_makes_the_tool_unavailable_with_what_it_said()
    {
        // A "bwrap" that refuses every sandbox, as bwrap does where user namespaces are off.
        var tool = await CodeExecutionTool.StartAsync(new CodeExecutionOptions { Bwrap = "/usr/bin/false", FirstUid = 71100, MaxSessions = 1 }, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.False(tool.Availability.IsAvailable);
        Assert.Equal("the sandbox would not start here (exit status 1); bubblewrap needs unprivileged user namespaces and seccomp", tool.Availability.Reason);
    }

    [Fact]
    public async Task Options_out_of_range_make_the_tool_unavailable_naming_each_key()
    {
        var options = new CodeExecutionOptions { TimeoutSeconds = 0, MemoryMb = 8, Python = "/opt/python3" };

        var tool = await CodeExecutionTool.StartAsync(options, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(
            "its configuration is invalid: tools.code_execution.timeout_seconds must be from 1 to 3600, not 0; "
            + "tools.code_execution.memory_mb must be from 64 to 1048576, not 8; "
            + "tools.code_execution.python must be under /usr (the only host tree inside the sandbox), not '/opt/python3'",
            tool.Availability.Reason);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("11")]
    [InlineData("2.5")]
    [InlineData("\"5\"")]
    public void A_request_timeout_outside_the_operators_maximum_is_refused_naming_the_option(string value)
    {
        var options = new JsonObject { ["type"] = "gateway_code_execution", ["timeout_seconds"] = JsonNode.Parse(value) };

        var refused = Assert.Throws<ToolOptionsException>(() => sandbox.Tool.OpenSession(options));

        Assert.Equal(("timeout_seconds", "must be a whole number of seconds from 1 to 10"), (refused.Option, refused.Problem));
    }

    [Fact]
    public async Task A_request_timeout_within_the_maximum_bounds_its_calls_and_none_means_the_operators()
    {
        await using var shortened = sandbox.Tool.OpenSession(new JsonObject { ["timeout_seconds"] = 2 });
        await using var plain = sandbox.Tool.OpenSession(new JsonObject { ["type"] = "gateway_code_execution" });

        Assert.Equal(TimeSpan.FromSeconds(2), ((CodeExecutionSession)shortened).Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), ((CodeExecutionSession)plain).Timeout);
    }

    [Fact]
    public async Task A_cpu_bound_process_is_ended_by_the_cpu_limit_before_the_wall_clock()
    {
        var tool = await CodeExecutionTool.StartAsync(SandboxFixture.Options with { CpuSeconds = 1, FirstUid = 71200, MaxSessions = 1 }, TimeProvider.System, TestContext.Current.CancellationToken);
        await using var session = tool.OpenSession(null);

        var run = await session.RunAsync(new JsonObject { ["code"] = "while True:\n    pass" }, TestContext.Current.CancellationToken);

        var result = Assert.IsType<CodeExecutionResult>(run.Result);
        Assert.Equal((CodeExecutionOutcome.Ended, 152), (result.Outcome, result.ExitCode));
        Assert.Contains("the CPU time limit", run.Text, StringComparison.Ordinal);
    }
}

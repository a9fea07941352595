using System.Text.Json.Nodes;
using Gateway.Tools.CodeExecution;
using Gateway.Tools.CodeExecution.Sandbox;

namespace Gateway.Tools.Tests.CodeExecution;

[Collection(SharedSandbox.Name)]
public sealed class CodeExecutionSessionTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task State_is_kept_across_the_calls_of_one_session()
    {
        await using var session = sandbox.Session();
        SandboxRuns.Completed(await SandboxRuns.SucceededAsync(session, "import math\nanswer = 41\nopen('note.txt', 'w').write('kept')"));

        var stdout = SandboxRuns.Completed(await SandboxRuns.SucceededAsync(session, "print(answer + 1, math.pi > 3, open('note.txt').read())"));

        Assert.Equal("42 True kept\n", stdout);
    }

    [Fact]
    public async Task State_is_not_shared_across_sessions()
    {
        await using (var first = sandbox.Session())
            SandboxRuns.Completed(await SandboxRuns.SucceededAsync(first, "answer = 42\nopen('note.txt', 'w').write('first')"));

        await using var second = sandbox.Session();
        var result = await SandboxRuns.SucceededAsync(second, "import os\nprint(os.listdir('.'))\nprint(answer)");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("[]\n", result.Stdout.Text);
        Assert.Contains("NameError: name 'answer' is not defined", result.Stderr.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_sessions_get_different_uids_and_work_dirs()
    {
        await using var first = sandbox.Session();
        await using var second = sandbox.Session();
        const string Code = "import os\nprint(os.getuid(), os.listdir('/work'))\nopen('/work/mine', 'w').write(str(os.getuid()))";

        var results = await Task.WhenAll(SandboxRuns.SucceededAsync(first, Code), SandboxRuns.SucceededAsync(second, Code));

        var (uid1, uid2) = (SandboxFixture.Uid(first), SandboxFixture.Uid(second));
        Assert.NotEqual(uid1, uid2);
        Assert.Equal($"{uid1} []\n", SandboxRuns.Completed(results[0]));
        Assert.Equal($"{uid2} []\n", SandboxRuns.Completed(results[1]));
        var again = await SandboxRuns.SucceededAsync(first, "print(os.listdir('/work'), open('/work/mine').read())");
        Assert.Equal($"['mine'] {uid1}\n", SandboxRuns.Completed(again));
    }

    [Fact]
    public async Task Code_that_raises_is_a_billed_success_with_exit_code_1_and_its_traceback()
    {
        await using var session = sandbox.Session();

        var run = await session.RunAsync(new JsonObject { ["code"] = "print('before')\n1 / 0" }, TestContext.Current.CancellationToken);

        Assert.Equal(ToolRunStatus.Succeeded, run.Status);
        Assert.Equal(1, run.Billable.Calls);
        Assert.True(run.Billable.Duration > TimeSpan.Zero);
        var result = Assert.IsType<CodeExecutionResult>(run.Result);
        Assert.Equal((CodeExecutionOutcome.Completed, 1, "before\n"), (result.Outcome, result.ExitCode, result.Stdout.Text));
        Assert.StartsWith("Traceback (most recent call last):", result.Stderr.Text, StringComparison.Ordinal);
        Assert.EndsWith("ZeroDivisionError: division by zero\n", result.Stderr.Text, StringComparison.Ordinal);
        Assert.StartsWith("Exit code 1.\n--- stdout ---\nbefore\n--- stderr ---\nTraceback", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sys_exit_sets_the_exit_code_and_keeps_the_interpreter()
    {
        await using var session = sandbox.Session();

        var exited = await SandboxRuns.SucceededAsync(session, "import sys\nkept = 'yes'\nsys.exit(3)");
        var next = await SandboxRuns.SucceededAsync(session, "print(kept)");

        Assert.Equal((CodeExecutionOutcome.Completed, 3), (exited.Outcome, exited.ExitCode));
        Assert.Equal("yes\n", SandboxRuns.Completed(next));
        Assert.False(next.StateReset);
    }

    [Fact]
    public async Task A_timed_out_call_is_a_billed_success_and_the_next_call_runs_in_a_fresh_interpreter_saying_so()
    {
        await using var session = sandbox.Session(timeoutSeconds: 1);
        SandboxRuns.Completed(await SandboxRuns.SucceededAsync(session, "before = 1"));

        var run = await session.RunAsync(new JsonObject { ["code"] = "while True:\n    pass" }, TestContext.Current.CancellationToken);
        var next = await SandboxRuns.SucceededAsync(session, "print('before' in globals())");

        Assert.Equal(ToolRunStatus.Succeeded, run.Status);
        Assert.Equal(1, run.Billable.Calls);
        Assert.Equal(CodeExecutionOutcome.TimedOut, Assert.IsType<CodeExecutionResult>(run.Result).Outcome);
        Assert.StartsWith("Timed out after 1 s: every process was killed", run.Text, StringComparison.Ordinal);
        Assert.Equal("False\n", SandboxRuns.Completed(next));
        Assert.True(next.StateReset);
    }

    [Fact]
    public async Task An_interpreter_that_exits_ends_the_call_and_the_next_call_starts_afresh()
    {
        await using var session = sandbox.Session();

        var ended = await SandboxRuns.SucceededAsync(session, "import os\nos._exit(7)");
        var next = await SandboxRuns.SucceededAsync(session, "print('back')");

        Assert.Equal((CodeExecutionOutcome.Ended, 7), (ended.Outcome, ended.ExitCode));
        Assert.Equal("back\n", SandboxRuns.Completed(next));
        Assert.True(next.StateReset);
    }

    [Fact]
    public async Task Files_written_under_work_are_returned_as_text_or_base64()
    {
        await using var session = sandbox.Session();
        SandboxRuns.Completed(await SandboxRuns.SucceededAsync(session, "open('old.txt', 'w').write('from before')"));

        var result = await SandboxRuns.SucceededAsync(session, """
            import os
            os.makedirs('out', exist_ok=True)
            open('out/report.csv', 'w').write('a,b\n1,2\n')
            open('out/image.bin', 'wb').write(bytes([0, 1, 2, 255]))
            """);

        Assert.Collection(result.Files,
            file => Assert.Equal(new CodeFile("out/image.bin", CodeFileKind.File, 4, "base64", Convert.ToBase64String([0, 1, 2, 255]), null), file),
            file => Assert.Equal(new CodeFile("out/report.csv", CodeFileKind.File, 8, "utf-8", "a,b\n1,2\n", null), file));
    }

    [Fact]
    public async Task A_file_larger_than_the_return_limit_is_listed_without_its_content()
    {
        await using var session = sandbox.Session();

        var result = await SandboxRuns.SucceededAsync(session, Invariant($"open('big.bin', 'wb').write(b'x' * {CodeOutputLimits.FileBytes + 1})"));

        Assert.Equal(new CodeFile("big.bin", CodeFileKind.File, CodeOutputLimits.FileBytes + 1, null, null, null), Assert.Single(result.Files));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"code": ""}""")]
    [InlineData("""{"code": 42}""")]
    public async Task A_call_without_code_is_invalid_and_unbilled(string arguments)
    {
        await using var session = sandbox.Session();

        var run = await session.RunAsync(JsonNode.Parse(arguments)!.AsObject(), TestContext.Current.CancellationToken);

        Assert.Equal(ToolRunStatus.InvalidArguments, run.Status);
        Assert.Equal(ToolUsage.None, run.Billable);
        Assert.Null(run.Result);
        Assert.Contains("\"code\"", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Code_over_a_mebibyte_is_invalid_and_unbilled()
    {
        await using var session = sandbox.Session();

        var run = await session.RunAsync(new JsonObject { ["code"] = "#" + new string('x', CodeExecutionSession.MaxCodeBytes) }, TestContext.Current.CancellationToken);

        Assert.Equal((ToolRunStatus.InvalidArguments, "the code is larger than 1048576 bytes"), (run.Status, run.Text));
    }

    [Fact]
    public async Task A_background_process_left_by_a_completed_call_is_killed_when_the_session_ends()
    {
        var session = sandbox.Session();
        int uid;
        await using (session)
        {
            SandboxRuns.Completed(await SandboxRuns.SucceededAsync(session, "import subprocess\nchild = subprocess.Popen(['/usr/bin/sleep', 'infinity'])"));
            var stillThere = await SandboxRuns.SucceededAsync(session, "print(child.poll())");
            Assert.Equal("None\n", SandboxRuns.Completed(stillThere));
            uid = SandboxFixture.Uid(session);
        }

        Assert.Empty(HostProcesses.RunningAs(uid));
    }

    [Fact]
    public async Task A_call_when_every_slot_stays_busy_fails_unbilled()
    {
        var holders = Enumerable.Range(0, SandboxFixture.Options.MaxSessions).Select(_ => sandbox.Session()).ToList();
        try
        {
            foreach (var holder in holders)
                SandboxRuns.Completed(await SandboxRuns.SucceededAsync(holder, "pass"));
            await using var late = sandbox.Session(timeoutSeconds: 1);

            var run = await late.RunAsync(new JsonObject { ["code"] = "pass" }, TestContext.Current.CancellationToken);

            Assert.Equal((ToolRunStatus.Failed, ToolUsage.None), (run.Status, run.Billable));
            Assert.Equal("all 3 code-execution sandboxes stayed busy for 1 s; try again later", run.Text);
        }
        finally
        {
            foreach (var holder in holders)
                await holder.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_client_that_goes_away_cancels_the_call_and_its_processes()
    {
        var session = sandbox.Session();
        await using (session)
        {
            SandboxRuns.Completed(await SandboxRuns.SucceededAsync(session, "pass"));
            using var client = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.RunAsync(new JsonObject { ["code"] = "while True:\n    pass" }, client.Token));

            Assert.Empty(HostProcesses.RunningAs(SandboxFixture.Uid(session)));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

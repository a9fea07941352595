namespace Gateway.Tools.Tests.CodeExecution;

[Collection(SharedSandbox.Name)]
public sealed class CodeExecutionSessionTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task State_is_kept_across_the_calls_of_one_session()
    {
        await using var session = sandbox.Session();
        SandboxRuns.Completed(await SandboxRuns.SucceededAsync(session, "import math\nanswer = 41"));
        var stdout = SandboxRuns.Completed(await SandboxRuns.SucceededAsync(session, "print(answer + 1, math.pi > 3)"));
        Assert.Equal("42 True\n", stdout);
    }
}

using System.Text.Json.Nodes;
using Gateway.Tools.CodeExecution;
using Gateway.Tools.CodeExecution.Sandbox;

namespace Gateway.Tools.Tests.CodeExecution;

/// <summary>
/// One real code-execution tool for the sandbox tests, probed as the gateway probes it at start. The
/// tests share it (and its uids) in one collection, so no two tools ever hand out the same uid at once.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    /// <summary>Short enough that the timeout tests stay quick, long enough for Python to start on a loaded machine.</summary>
    public static readonly CodeExecutionOptions Options = new()
    {
        TimeoutSeconds = 10,
        MemoryMb = 256,
        Processes = 32,
        MaxSessions = 3,
        FirstUid = 71000,
    };

    public CodeExecutionTool Tool { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Tool = await CodeExecutionTool.StartAsync(Options, TimeProvider.System, CancellationToken.None);
        Assert.True(Tool.Availability.IsAvailable, $"the sandbox must work on the test machine: {Tool.Availability.Reason}");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>A session with a short wall clock, for tests whose code is meant to run out of time.</summary>
    public IToolSession Session(int timeoutSeconds = 10) =>
        Tool.OpenSession(new JsonObject { [CodeExecutionTool.TimeoutOption] = timeoutSeconds });

    /// <summary>The host uid the session's sandbox runs under (taken at its first call).</summary>
    internal static int Uid(IToolSession session) => ((CodeExecutionSession)session).Uid!.Value;

    /// <summary>
    /// Runs <paramref name="code"/> as the only call of a fresh session, ends the session, and checks the
    /// host is as before: nothing runs under the session's uid any more.
    /// </summary>
    public async Task<CodeExecutionResult> RunAloneAsync(string code, int timeoutSeconds = 10)
    {
        var session = Session(timeoutSeconds);
        int uid;
        CodeExecutionResult result;
        await using (session)
        {
            result = await SandboxRuns.SucceededAsync(session, code);
            uid = Uid(session);
        }
        Assert.Empty(HostProcesses.RunningAs(uid));
        return result;
    }
}

[CollectionDefinition(Name)]
public sealed class SharedSandbox : ICollectionFixture<SandboxFixture>
{
    public const string Name = "code-execution sandbox";
}

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tools.CodeExecution.Sandbox;

namespace Gateway.Tools.CodeExecution;

/// <summary>
/// The code calls of one client request: a slot (its uid) taken at the first call and kept to the
/// end, and one sandbox with one Python interpreter, started at the first call and again after a call
/// that ended it (a timeout, a crash). Calls run one at a time. Disposing kills whatever is left.
/// </summary>
internal sealed class CodeExecutionSession(SandboxLauncher launcher, TimeSpan timeout) : IToolSession
{
    /// <summary>Code larger than this is not a program a model wrote for one call.</summary>
    public const int MaxCodeBytes = 1024 * 1024;

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private SandboxProcess? _sandbox;
    private bool _interpreterEnded;

    /// <summary>The host uid this session's sandboxes run under; null before its first call.</summary>
    public int? Uid { get; private set; }

    public TimeSpan Timeout => timeout;

    public async Task<ToolRun> RunAsync(JsonObject arguments, CancellationToken ct)
    {
        if (Code(arguments) is not { } code)
            return ToolRun.Invalid($"{CodeExecutionTool.ToolName} takes one argument, \"code\": a non-empty string of Python");
        if (Encoding.UTF8.GetByteCount(code) > MaxCodeBytes)
            return ToolRun.Invalid(Invariant($"the code is larger than {MaxCodeBytes} bytes"));

        await _oneAtATime.WaitAsync(ct);
        try
        {
            return await RunOneAsync(code, ct);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _oneAtATime.WaitAsync();
        if (Uid is { } uid)
        {
            await EndSandboxAsync(uid);
            launcher.Release(uid);
            Uid = null;
        }
        _oneAtATime.Dispose();
    }

    private async Task<ToolRun> RunOneAsync(string code, CancellationToken ct)
    {
        if (Uid is null)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(timeout);
            Uid = await launcher.Slots.AcquireAsync(wait.Token);
            ct.ThrowIfCancellationRequested();
            if (Uid is null)
                return ToolRun.Failure(Invariant($"all {launcher.Slots.Count} code-execution sandboxes stayed busy for {timeout.TotalSeconds:0} s; try again later"));
        }

        var stateReset = false;
        if (_sandbox is null)
        {
            try
            {
                _sandbox = await launcher.StartAsync(Uid.Value, ct);
            }
            catch (SandboxStartException e)
            {
                return ToolRun.Failure($"the code-execution sandbox would not start: {e.Message}");
            }
            (stateReset, _interpreterEnded) = (_interpreterEnded, false);
        }

        using var deadline = new CancellationTokenSource(timeout, launcher.Time);
        using var callEnds = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var started = launcher.Time.GetTimestamp();
        var reply = await _sandbox.RunAsync(code, callEnds.Token);
        var duration = launcher.Time.GetElapsedTime(started);
        if (reply.Outcome != CodeExecutionOutcome.Completed)
        {
            await EndSandboxAsync(Uid.Value);
            _interpreterEnded = true;
        }
        ct.ThrowIfCancellationRequested();

        var result = new CodeExecutionResult(reply.Outcome, reply.ExitCode, reply.Stdout, reply.Stderr, reply.Files, reply.FilesOmitted, stateReset, duration);
        return ToolRun.Success(CodeExecutionText.From(result, timeout), result, ToolUsage.OneCall(duration));
    }

    private async Task EndSandboxAsync(int uid)
    {
        if (_sandbox is not null)
            await launcher.EndAsync(_sandbox, uid);
        _sandbox = null;
    }

    private static string? Code(JsonObject arguments) =>
        arguments["code"] is JsonValue value && value.TryGetValue<string>(out var code) && code.Length > 0 ? code : null;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Gateway.Tools.CodeExecution.Sandbox;

namespace Gateway.Tools.CodeExecution;

/// <summary>
/// <c>gateway_code_execution</c>: Python run in a bubblewrap sandbox, one interpreter per session
/// whose state lasts across the session's calls. <see cref="StartAsync"/> probes the sandbox; when it
/// cannot work here the tool is unavailable with the reason and no code ever runs, sandboxed or not.
/// </summary>
public sealed class CodeExecutionTool : IGatewayTool
{
    public const string ToolName = "gateway_code_execution";

    /// <summary>The request option that shortens a call's wall clock below the operator's <see cref="CodeExecutionOptions.TimeoutSeconds"/>.</summary>
    public const string TimeoutOption = "timeout_seconds";

    private readonly SandboxLauncher? _launcher;

    private CodeExecutionTool(CodeExecutionOptions options, ToolAvailability availability, SandboxLauncher? launcher)
    {
        Options = options;
        Availability = availability;
        _launcher = launcher;
    }

    public string Name => ToolName;

    public ToolAvailability Availability { get; }

    public CodeExecutionOptions Options { get; }

    /// <summary>One line for the startup log: what confines the code here; null when unavailable.</summary>
    public string? SandboxDescription => _launcher?.Description;

    public JsonObject ParametersSchema => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["code"] = new JsonObject
            {
                ["type"] = "string",
                ["description"] = "Python 3 code to run. Variables, imports and files in /work (the working directory) persist across "
                    + "the calls of this conversation turn. There is no network. Print what you want to see; stdout, stderr, "
                    + "the exit code and the files written under /work are returned.",
            },
        },
        ["required"] = new JsonArray("code"),
        ["additionalProperties"] = false,
    };

    /// <summary>
    /// The tool, after probing that a sandbox starts here (a run of <c>/usr/bin/true</c> through the
    /// whole launch chain). Invalid options, a missing program, a process that is not root, an
    /// architecture without a seccomp table or a failed probe make it unavailable, with the reason.
    /// </summary>
    public static async Task<CodeExecutionTool> StartAsync(CodeExecutionOptions options, TimeProvider time, CancellationToken ct)
    {
        if (Unusable(options) is { } reason)
            return new CodeExecutionTool(options, ToolAvailability.Unavailable(reason), null);

        var filter = SeccompProgramFile.Write(SeccompFilter.Build(SyscallTable.For(RuntimeInformation.OSArchitecture)!));
        var launcher = new SandboxLauncher(options, new SandboxCommand(options, HostLayout.Detect(), filter), MemoryCgroup.Find(), time);
        var (exitCode, said) = await launcher.RunOnceAsync(options.FirstUid, ["/usr/bin/true"], ct);
        if (exitCode != 0)
        {
            var detail = said.Trim() is { Length: > 0 } text ? text : string.Create(CultureInfo.InvariantCulture, $"exit status {exitCode}");
            return new CodeExecutionTool(options, ToolAvailability.Unavailable(
                $"the sandbox would not start here ({detail}); bubblewrap needs unprivileged user namespaces and seccomp"), null);
        }
        return new CodeExecutionTool(options, ToolAvailability.Available, launcher);
    }

    /// <exception cref="ToolOptionsException"><c>timeout_seconds</c> is not a whole number from 1 to the operator's maximum.</exception>
    public IToolSession OpenSession(JsonObject? requestOptions)
    {
        var timeout = TimeSpan.FromSeconds(RequestTimeoutSeconds(requestOptions));
        return _launcher is null ? new UnavailableSession(Availability.Reason!) : new CodeExecutionSession(_launcher, timeout);
    }

    private int RequestTimeoutSeconds(JsonObject? requestOptions)
    {
        if (requestOptions?[TimeoutOption] is not { } value)
            return Options.TimeoutSeconds;
        var max = Options.TimeoutSeconds;
        return value is JsonValue number && number.TryGetValue<int>(out var seconds) && seconds >= 1 && seconds <= max
            ? seconds
            : throw new ToolOptionsException(TimeoutOption, string.Create(CultureInfo.InvariantCulture, $"must be a whole number of seconds from 1 to {max}"));
    }

    private static string? Unusable(CodeExecutionOptions options)
    {
        if (options.Validate() is { Count: > 0 } problems)
            return "its configuration is invalid: " + string.Join("; ", problems);
        if (SyscallTable.For(RuntimeInformation.OSArchitecture) is null)
            return $"no seccomp syscall table for {RuntimeInformation.OSArchitecture} (only x86_64 has one), and code never runs unfiltered";
        if (!Environment.IsPrivilegedProcess)
            return "the gateway does not run as root, which it needs to start each sandbox under its own uid (first_uid and up)";
        string[] programs = [options.Bwrap, SandboxCommand.Shell, SandboxCommand.Prlimit, SandboxCommand.Setpriv, options.Python];
        if (programs.FirstOrDefault(program => !File.Exists(program)) is { } missing)
            return missing == options.Bwrap
                ? $"{missing} is missing (Debian package bubblewrap)"
                : $"{missing} is missing (Debian packages util-linux for prlimit and setpriv, python3 for Python)";
        return null;
    }

    /// <summary>A session of a tool that cannot run here: every call fails with the reason, unbilled.</summary>
    private sealed class UnavailableSession(string reason) : IToolSession
    {
        public Task<ToolRun> RunAsync(JsonObject arguments, CancellationToken ct) =>
            Task.FromResult(ToolRun.Failure($"code execution is unavailable: {reason}"));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

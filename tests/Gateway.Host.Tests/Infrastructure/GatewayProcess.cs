using System.Diagnostics;
using System.Text;
using Xunit.Sdk;

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>The real <c>gateway</c> program, run as a child process the way an operator runs it.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "gateway.dll");
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private GatewayProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string StdOut => Read(_stdout);

    public string StdErr => Read(_stderr);

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    public static GatewayProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartAs(null, workingDirectory, environment, args);

    /// <param name="user">Another OS user to run as (the suite must run as root to switch); null for the current one.</param>
    public static GatewayProcess StartAs(string? user, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Program);
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        // Only what the test says: a GATEWAY_* variable of the machine must not leak into the case.
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("GATEWAY_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            psi.Environment[name] = value;
        if (user is not null)
        {
            psi.UserName = user;
            psi.Environment["HOME"] = workingDirectory;
            psi.Environment["DOTNET_CLI_HOME"] = workingDirectory;
        }

        return new GatewayProcess(Process.Start(psi)!);
    }

    /// <summary>Runs a command to completion.</summary>
    public static async Task<GatewayProcess> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var process = Start(workingDirectory, environment, args);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return process;
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        // Flushes the asynchronous readers.
        _process.WaitForExit();
    }

    /// <summary>What an orchestrator or Ctrl+C sends: SIGTERM, then wait for a clean exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        await WaitForExitAsync(timeout);
    }

    /// <summary>Asks for readiness until the gateway answers 200; fails with its output if it exits or stalls.</summary>
    public async Task WaitUntilReadyAsync(HttpClient http, TimeSpan timeout)
    {
        try
        {
            await Eventually.Until(() => ReadinessAsync(http), state => state == nameof(System.Net.HttpStatusCode.OK), "the gateway to become ready", timeout);
        }
        catch (FailException stalled)
        {
            throw FailException.ForFailure($"{stalled.Message}\n{StdOut}\n{StdErr}");
        }
    }

    /// <summary>The readiness probe's status, or why it could not be asked.</summary>
    private async Task<string> ReadinessAsync(HttpClient http)
    {
        if (HasExited)
            Assert.Fail($"the gateway exited with {ExitCode} before it became ready");
        try
        {
            using var response = await http.GetAsync("/health/readiness");
            return response.StatusCode.ToString();
        }
        catch (HttpRequestException e)
        {
            // Not listening yet: its embedded PostgreSQL is still starting.
            return e.Message;
        }
    }

    /// <summary>Run as root, the embedded cluster belongs to the postgres OS user, which must be able to enter the folder.</summary>
    public static string TraversableTempDirectory(string prefix)
    {
        var dir = Directory.CreateTempSubdirectory(prefix);
        dir.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return dir.FullName;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder sink, string? line)
    {
        if (line is null)
            return;
        lock (sink)
            sink.AppendLine(line);
    }

    private static string Read(StringBuilder sink)
    {
        lock (sink)
            return sink.ToString();
    }
}

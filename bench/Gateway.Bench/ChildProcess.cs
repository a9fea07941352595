using System.Diagnostics;

namespace Gateway.Bench;

/// <summary>A program the benchmark starts and stops; its output goes to a log file for post-mortems.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public static ChildProcess Start(string program, IEnumerable<string> args, string workingDirectory, string log, IReadOnlyDictionary<string, string>? environment = null)
    {
        // A closed stdin: npm and node must never wait on the benchmark's terminal.
        var psi = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            psi.Environment[name] = value;
        var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var sink = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { lock (sink) sink.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (sink) sink.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process);
    }

    /// <returns>The exit code, or null when it did not exit in time.</returns>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static async Task WaitForAsync(Uri url, TimeSpan timeout, ChildProcess owner)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (owner._process.HasExited)
                throw new InvalidOperationException($"{url} never came up: its process exited with {owner._process.ExitCode}");
            try
            {
                if ((await http.GetAsync(url)).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{url} did not answer within {timeout}");
    }

    /// <summary>SIGTERM first, so the gateway stops its embedded PostgreSQL; a kill only if it hangs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await term.WaitForExitAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>How a call in a running sandbox ended, before the session turns it into a <see cref="CodeExecutionResult"/>.</summary>
internal sealed record SandboxReply(CodeExecutionOutcome Outcome, int? ExitCode, CapturedOutput Stdout, CapturedOutput Stderr, IReadOnlyList<CodeFile> Files, int FilesOmitted);

/// <summary>The sandbox would not start; the message carries what bwrap or the driver said.</summary>
internal sealed class SandboxStartException(string message) : Exception(message);

/// <summary>
/// One running sandbox: the launch chain's process (bwrap, once the wrappers have exec'd into it) and
/// the driver inside, spoken to over its stdin and stdout. Killing it kills everything inside: the
/// first process of the sandbox's pid namespace dies with bwrap (<c>--die-with-parent</c>), and the
/// kernel kills the rest of a pid namespace when its first process dies.
/// </summary>
internal sealed class SandboxProcess : IAsyncDisposable
{
    private const int DiagnosticsBytes = 8 * 1024;
    private static readonly TimeSpan BwrapExitPatience = TimeSpan.FromSeconds(2);
    private readonly Process _process;
    private readonly Task<string> _diagnostics;

    private SandboxProcess(Process process)
    {
        _process = process;
        _diagnostics = ReadDiagnosticsAsync(process.StandardError.BaseStream);
    }

    public static async Task<SandboxProcess> StartAsync(ProcessStartInfo start, TimeSpan within, TimeProvider time, CancellationToken ct)
    {
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SandboxStartException($"{start.FileName} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SandboxStartException($"{start.FileName} did not start: {e.Message}");
        }
        var sandbox = new SandboxProcess(process);
        using var deadline = new CancellationTokenSource(within, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            if (await DriverProtocol.ReadFrameAsync(process.StandardOutput.BaseStream, linked.Token) is { Kind: FrameKind.Hello })
                return sandbox;
            await sandbox.KillAsync();
            throw new SandboxStartException(await sandbox.ExitDescriptionAsync());
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await sandbox.KillAsync();
            throw new SandboxStartException($"the sandbox did not report ready within {within.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is DriverProtocolException or IOException)
        {
            await sandbox.KillAsync();
            throw new SandboxStartException($"the sandbox failed as it started: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            await sandbox.KillAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs one call. When <paramref name="deadline"/> is cancelled first (the wall clock, or the
    /// client gone) the sandbox is killed and the reply says <see cref="CodeExecutionOutcome.TimedOut"/>,
    /// with the output that came before. A sandbox that breaks the protocol is killed and reported as ended.
    /// </summary>
    public async Task<SandboxReply> RunAsync(string code, CancellationToken deadline)
    {
        var stdout = new OutputCapture();
        var stderr = new OutputCapture();
        try
        {
            await DriverProtocol.WriteRequestAsync(_process.StandardInput.BaseStream, code, deadline);
            while (await DriverProtocol.ReadFrameAsync(_process.StandardOutput.BaseStream, deadline) is { } frame)
            {
                switch (frame.Kind)
                {
                    case FrameKind.Stdout:
                        stdout.Add(frame.Payload);
                        break;
                    case FrameKind.Stderr:
                        stderr.Add(frame.Payload);
                        break;
                    case FrameKind.Result:
                        var result = DriverResult.Parse(frame.Payload);
                        return new SandboxReply(CodeExecutionOutcome.Completed, result.ExitCode, stdout.Captured(result.StdoutBytes),
                            stderr.Captured(result.StderrBytes), result.Files, result.FilesOmitted);
                    case FrameKind.Hello:
                        throw new DriverProtocolException("the sandbox said hello in the middle of a call");
                }
            }
            // The driver's output ended: it exited, or the code closed the descriptor and runs on (the wall clock ends that).
            await _process.WaitForExitAsync(deadline);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            await KillAsync();
            return new SandboxReply(CodeExecutionOutcome.TimedOut, null, stdout.Captured(0), stderr.Captured(0), [], 0);
        }
        catch (DriverProtocolException e)
        {
            await KillAsync();
            stderr.Add(Encoding.UTF8.GetBytes($"\n[gateway: {e.Message}; the sandbox was stopped]\n"));
        }
        catch (IOException)
        {
            // Writing the request failed: the driver is gone.
            await KillAsync();
        }
        return new SandboxReply(CodeExecutionOutcome.Ended, _process.ExitCode, stdout.Captured(0), stderr.Captured(0), [], 0);
    }

    /// <summary>
    /// Kills the sandbox from the inside out: its first process (bwrap's child, pid 1 of the sandbox),
    /// which takes the whole pid namespace with it, and then bwrap, which reaps it and exits. Killing
    /// bwrap first would leave that child to the host's init, a zombie holding a process of the slot's
    /// uid until that init gets round to reaping it.
    /// </summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            HostProcesses.Kill(HostProcesses.ChildrenOf(_process.Id));
            using var patience = new CancellationTokenSource(BwrapExitPatience);
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                KillBwrap();
            }
        }
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    private void KillBwrap()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        await _diagnostics;
        _process.Dispose();
    }

    private async Task<string> ExitDescriptionAsync()
    {
        var said = (await _diagnostics).Trim();
        return said.Length > 0 ? said : $"the sandbox exited with status {_process.ExitCode} before it was ready";
    }

    /// <summary>What bwrap and the driver write on stderr (their own errors; the code's stderr is captured per call): the first 8 KiB.</summary>
    private static async Task<string> ReadDiagnosticsAsync(Stream stderr)
    {
        var kept = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await stderr.ReadAsync(buffer)) > 0)
            kept.Write(buffer, 0, (int)Math.Min(read, Math.Max(0, DiagnosticsBytes - kept.Length)));
        return Encoding.UTF8.GetString(kept.ToArray());
    }

    /// <summary>A stream's first <see cref="CodeOutputLimits.OutputBytes"/> bytes and the count of all.</summary>
    private sealed class OutputCapture
    {
        private readonly ArrayBufferWriter<byte> _kept = new();
        private long _received;

        public void Add(byte[] chunk)
        {
            _received += chunk.Length;
            var room = CodeOutputLimits.OutputBytes - _kept.WrittenCount;
            if (room > 0)
                _kept.Write(chunk.AsSpan(0, Math.Min(room, chunk.Length)));
        }

        /// <param name="reported">What the driver counted, which includes what it did not forward.</param>
        public CapturedOutput Captured(long reported)
        {
            var total = Math.Max(reported, _received);
            return new CapturedOutput(Encoding.UTF8.GetString(_kept.WrittenSpan), total, total > _kept.WrittenCount);
        }
    }
}

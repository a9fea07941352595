using System.Diagnostics;
using System.Reflection;

namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>
/// Starts and ends sandboxes once the probe has shown they work here: a slot (uid, memory cgroup)
/// per running sandbox, the driver inside, and on the way out nothing of the slot's left running.
/// </summary>
internal sealed class SandboxLauncher(CodeExecutionOptions options, SandboxCommand command, MemoryCgroup? cgroup, TimeProvider time)
{
    /// <summary>Launching takes tens of milliseconds; this only bounds a machine that hangs.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReapPatience = TimeSpan.FromSeconds(5);
    private static readonly Lazy<string> Driver = new(ReadDriver);

    public SlotPool Slots { get; } = new(options.FirstUid, options.MaxSessions);

    public TimeProvider Time => time;

    /// <summary>One line for the startup log: what confines the code here.</summary>
    public string Description =>
        $"bubblewrap sandboxes with a seccomp filter, uids {options.FirstUid}-{options.FirstUid + options.MaxSessions - 1}, memory: "
        + (cgroup is null ? $"{options.MemoryMb} MiB of address space per process (RLIMIT_AS; no writable cgroup v1 memory controller)" : $"{options.MemoryMb} MiB per sandbox ({cgroup.Description})");

    public async Task<SandboxProcess> StartAsync(int uid, CancellationToken ct)
    {
        var procs = cgroup?.Prepare(uid, options.MemoryMb * 1024L * 1024L);
        var start = command.StartInfo(uid, procs, [options.Python, "-I", "-B", "-c", Driver.Value, DriverProtocol.DriverSettings()]);
        return await SandboxProcess.StartAsync(start, StartTimeout, time, ct);
    }

    /// <summary>Kills the sandbox and waits until none of the slot's processes remain, so the slot starts its next session empty.</summary>
    public async Task EndAsync(SandboxProcess sandbox, int uid)
    {
        await sandbox.DisposeAsync();
        if (!await HostProcesses.WaitUntilNoneRunAsAsync(uid, ReapPatience, time))
        {
            // Not seen so far (the kernel ends a pid namespace with its first process); the uid is the slot's alone, so whatever still runs as it goes.
            HostProcesses.KillAll(uid);
            await HostProcesses.WaitUntilNoneRunAsAsync(uid, ReapPatience, time);
        }
    }

    /// <summary>Gives the slot back once its sandbox has ended.</summary>
    public void Release(int uid)
    {
        cgroup?.Remove(uid);
        Slots.Release(uid);
    }

    /// <summary>Runs <paramref name="inside"/> in a sandbox of slot <paramref name="uid"/> and returns its exit status and stderr (the probe).</summary>
    public async Task<(int ExitCode, string Stderr)> RunOnceAsync(int uid, IReadOnlyList<string> inside, CancellationToken ct)
    {
        var procs = cgroup?.Prepare(uid, options.MemoryMb * 1024L * 1024L);
        try
        {
            using var process = Process.Start(command.StartInfo(uid, procs, inside))!;
            process.StandardInput.Close();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(StartTimeout);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
                return (process.ExitCode, await stderr + await stdout);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"the sandbox did not finish within {StartTimeout.TotalSeconds:0} s");
            }
        }
        finally
        {
            await HostProcesses.WaitUntilNoneRunAsAsync(uid, ReapPatience, time);
            cgroup?.Remove(uid);
        }
    }

    private static string ReadDriver()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("code-execution/driver.py")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>
/// The command line that starts one sandbox:
/// <c>sh</c> (joins the memory cgroup, opens the seccomp program on fd 9) → <c>prlimit</c> (the
/// rlimits) → <c>setpriv</c> (the slot's uid and gid, no groups, no capabilities) → <c>bwrap</c> (the
/// namespaces, the file system view, the seccomp filter) → the command inside.
/// </summary>
/// <remarks>
/// bwrap reads its seccomp program from an inherited descriptor, and .NET's <see cref="Process"/>
/// passes none beyond 0-2; a shell redirection (<c>exec ... 9&lt;file</c>) is the smallest thing that
/// does, without native code. The script is a constant and takes every value as a positional
/// argument, so nothing is ever quoted or interpolated into shell text.
/// </remarks>
internal sealed record SandboxCommand(CodeExecutionOptions Options, HostLayout Layout, SeccompProgramFile Filter)
{
    public const string Shell = "/bin/sh";
    public const string Prlimit = "/usr/bin/prlimit";
    public const string Setpriv = "/usr/bin/setpriv";
    private const int SeccompFd = 9;
    private const string Script = "set -e; filter=$1; procs=$2; shift 2; if [ -n \"$procs\" ]; then echo $$ >\"$procs\"; fi; exec \"$@\" 9<\"$filter\"";

    /// <param name="cgroupProcs">The slot cgroup's <c>cgroup.procs</c>, or null to rely on rlimits alone.</param>
    public ProcessStartInfo StartInfo(int uid, string? cgroupProcs, IReadOnlyList<string> inside)
    {
        var start = new ProcessStartInfo(Shell)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        // Not only for the code: bwrap's own process (pid 1 inside) keeps the environment it started
        // with, readable there as /proc/1/environ, so the gateway's secrets must never reach it.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        foreach (var argument in Arguments(uid, cgroupProcs, inside))
            start.ArgumentList.Add(argument);
        return start;
    }

    private IEnumerable<string> Arguments(int uid, string? cgroupProcs, IReadOnlyList<string> inside)
    {
        string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
        const long Mib = 1024 * 1024;
        var o = Options;
        string[] shell = ["-c", Script, "gateway-sandbox", Filter.Path, cgroupProcs ?? ""];
        // The CPU limit's hard value a second above the soft one: SIGXCPU comes first, so its end is told apart from the SIGKILL of memory.
        string[] limits =
        [
            Prlimit, $"--as={Number(o.MemoryMb * Mib)}", $"--cpu={Number(o.CpuSeconds)}:{Number(o.CpuSeconds + 1)}", $"--nproc={Number(o.Processes)}",
            $"--nofile={Number(o.OpenFiles)}", $"--fsize={Number(o.FileSizeMb * Mib)}", "--core=0", "--",
        ];
        string[] user =
        [
            Setpriv, $"--reuid={Number(uid)}", $"--regid={Number(uid)}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--",
        ];
        return [.. shell, .. limits, .. user, o.Bwrap, .. BwrapArguments(), "--", .. inside];
    }

    private IEnumerable<string> BwrapArguments()
    {
        string Size(int mb) => (mb * 1024L * 1024L).ToString(CultureInfo.InvariantCulture);
        // --disable-userns needs an explicit --unshare-user (--unshare-all only tries one).
        string[] isolation = ["--unshare-all", "--unshare-user", "--disable-userns", "--new-session", "--die-with-parent", "--clearenv", "--cap-drop", "ALL", "--hostname", "sandbox"];
        string[] files =
        [
            "--ro-bind", "/usr", "/usr",
            .. Layout.RootLinks.SelectMany(link => link.Target is { } target ? new[] { "--symlink", target, link.Path } : ["--ro-bind", link.Path, link.Path]),
            .. Layout.EtcEntries.SelectMany(path => new[] { "--ro-bind", path, path }),
            "--proc", "/proc",
            // bwrap's /dev is an unbounded tmpfs: a capped /dev/shm inside it, then /dev read-only.
            "--dev", "/dev", "--size", Size(Options.TmpMb), "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
            "--size", Size(Options.TmpMb), "--tmpfs", "/tmp",
            "--size", Size(Options.WorkMb), "--tmpfs", "/work",
            "--remount-ro", "/",
            "--chdir", "/work",
        ];
        string[] environment =
        [
            "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp",
            "--setenv", "LANG", "C.UTF-8", "--setenv", "MPLBACKEND", "Agg",
            // Numerical libraries start a thread per core, and threads count against the process limit.
            "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1", "--setenv", "MKL_NUM_THREADS", "1",
        ];
        return [.. isolation, .. files, .. environment, "--seccomp", SeccompFd.ToString(CultureInfo.InvariantCulture)];
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gateway.Tools.CodeExecution;
using Gateway.Tools.CodeExecution.Sandbox;

namespace Gateway.Tools.Tests.CodeExecution;

/// <summary>
/// Code a model might write to get out: each attempt runs for real in the sandbox, fails there in
/// the way stated, and leaves the host as it was (every run ends with no process of its uid left).
/// </summary>
[Collection(SharedSandbox.Name)]
public sealed class SandboxEscapeTests(SandboxFixture sandbox)
{
    private const int ENETUNREACH = 101, ECONNREFUSED = 111;

    [Fact]
    public async Task Connecting_to_a_port_listening_on_the_hosts_loopback_reaches_only_the_sandboxs_own_empty_loopback()
    {
        // Stands for the gateway's own port and PostgreSQL's, both on 127.0.0.1. The sandbox's network
        // namespace has a loopback of its own, where nothing listens.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var stdout = SandboxRuns.Completed(await sandbox.RunAloneAsync(Invariant($"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=3)
                print("connected")
            except OSError as e:
                print(e.errno)
            """)));

        Assert.Equal(Invariant($"{ECONNREFUSED}\n"), stdout);
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task Connecting_to_an_outside_address_fails_with_no_network()
    {
        var stdout = SandboxRuns.Completed(await sandbox.RunAloneAsync("""
            import socket
            for address in [("1.1.1.1", 80), ("2606:4700:4700::1111", 80)]:
                try:
                    socket.create_connection(address, timeout=3)
                    print("connected")
                except OSError as e:
                    print(e.errno)
            try:
                socket.getaddrinfo("example.com", 80)
                print("resolved")
            except OSError as e:
                print("no name resolution")
            """));

        Assert.Equal(Invariant($"{ENETUNREACH}\n{ENETUNREACH}\nno name resolution\n"), stdout);
    }

    [Fact]
    public async Task Reading_etc_shadow_finds_no_such_file()
    {
        var stdout = SandboxRuns.Completed(await sandbox.RunAloneAsync(ReadFile("/etc/shadow")));

        Assert.Equal("FileNotFoundError\n", stdout);
    }

    [Fact]
    public async Task Reading_the_gateways_data_dir_finds_no_such_file()
    {
        // Two stand-ins: one under the host's /tmp, one under the build output (a tree the sandbox does not see either).
        var underTmp = Directory.CreateTempSubdirectory("gateway-data-");
        var underBuild = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "gateway-data-" + Guid.NewGuid().ToString("N")));
        try
        {
            foreach (var dataDir in new[] { underTmp, underBuild })
            {
                var secret = Path.Combine(dataDir.FullName, "master.key");
                await File.WriteAllTextAsync(secret, "the-data-dir-secret", TestContext.Current.CancellationToken);

                var result = await sandbox.RunAloneAsync(ReadFile(secret) + $"\nimport os\nprint(os.path.exists({Python(dataDir.FullName)}))");

                Assert.Equal("FileNotFoundError\nFalse\n", SandboxRuns.Completed(result));
            }
        }
        finally
        {
            underTmp.Delete(recursive: true);
            underBuild.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Reading_proc_1_environ_shows_the_sandboxs_own_first_process_without_the_gateways_environment()
    {
        Environment.SetEnvironmentVariable("GATEWAY_MASTER_KEY", "proc-environ-secret");

        var stdout = SandboxRuns.Completed(await sandbox.RunAloneAsync("""
            import os
            print(os.getpid())
            try:
                print(open("/proc/1/environ", "rb").read().replace(b"\0", b" ").decode())
            except OSError as e:
                print(type(e).__name__)
            print(sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
            """));

        Assert.DoesNotContain("proc-environ-secret", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("GATEWAY_MASTER_KEY", stdout, StringComparison.Ordinal);
        // Only the sandbox's own processes are visible: bwrap's init as 1 and the driver.
        Assert.EndsWith("[1, 2]\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Printing_GATEWAY_MASTER_KEY_from_the_environment_finds_it_absent()
    {
        Environment.SetEnvironmentVariable("GATEWAY_MASTER_KEY", "environment-secret");

        var stdout = SandboxRuns.Completed(await sandbox.RunAloneAsync("""
            import os, subprocess
            print(os.environ.get("GATEWAY_MASTER_KEY"))
            print(subprocess.run(["/usr/bin/env"], capture_output=True, text=True).stdout)
            """));

        Assert.StartsWith("None\n", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("environment-secret", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("GATEWAY", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fork_bomb_is_stopped_by_the_process_limit()
    {
        var stdout = SandboxRuns.Completed(await sandbox.RunAloneAsync("""
            import os, signal
            children = 0
            try:
                while True:
                    if os.fork() == 0:
                        signal.pause()
                        os._exit(0)
                    children += 1
            except OSError as e:
                print(children, e.errno)
            """));

        var (children, errno) = Numbers(stdout);
        Assert.Equal(11, errno); // EAGAIN: RLIMIT_NPROC of the slot's uid
        Assert.InRange(children, 1, SandboxFixture.Options.Processes);
    }

    [Fact]
    public async Task A_memory_bomb_gets_a_memory_error()
    {
        var result = await sandbox.RunAloneAsync("""
            hoard = []
            while True:
                hoard.append(bytearray(16 * 1024 * 1024))
            """);

        Assert.Equal(CodeExecutionOutcome.Completed, result.Outcome);
        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith("MemoryError\n", result.Stderr.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_memory_bomb_spread_over_processes_is_stopped_by_the_sandboxs_memory_limit()
    {
        // Each child stays under the per-process limit; together they are over the sandbox's.
        var result = await sandbox.RunAloneAsync("""
            import os
            children = []
            for _ in range(4):
                pid = os.fork()
                if pid == 0:
                    try:
                        hoard = bytearray(150 * 1024 * 1024)
                        for i in range(0, len(hoard), 4096):
                            hoard[i] = 1
                        os._exit(0)
                    except MemoryError:
                        os._exit(3)
                children.append(pid)
            print(sorted(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children))
            """);

        var statuses = SandboxRuns.Completed(result);
        if (MemoryCgroup.Find() is not null)
            Assert.Contains("-9", statuses, StringComparison.Ordinal); // the cgroup's OOM killer took at least one
        else
            Assert.Equal("[0, 0, 0, 0]\n", statuses); // without a writable memory cgroup, only each process is capped (README)
    }

    [Fact]
    public async Task An_endless_loop_times_out_and_leaves_no_process()
    {
        await using var session = sandbox.Session(timeoutSeconds: 1);

        var result = await SandboxRuns.SucceededAsync(session, "print('started', flush=True)\nwhile True:\n    pass");

        Assert.Equal(CodeExecutionOutcome.TimedOut, result.Outcome);
        Assert.Null(result.ExitCode);
        Assert.Equal("started\n", result.Stdout.Text);
        Assert.InRange(result.Duration, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        Assert.Empty(HostProcesses.RunningAs(SandboxFixture.Uid(session)));
    }

    [Fact]
    public async Task A_hundred_megabytes_of_output_are_cut_at_one_mebibyte_and_the_cut_is_said()
    {
        await using var session = sandbox.Session();

        var run = await session.RunAsync(new() { ["code"] = "import sys\nline = 'x' * 1023 + '\\n'\nfor _ in range(100 * 1024):\n    sys.stdout.write(line)" }, TestContext.Current.CancellationToken);

        var result = Assert.IsType<CodeExecutionResult>(run.Result);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(100L * 1024 * 1024, result.Stdout.TotalBytes);
        Assert.True(result.Stdout.Truncated);
        Assert.Equal(CodeOutputLimits.OutputBytes, result.Stdout.Text.Length);
        Assert.Contains("[stdout truncated: 104857600 bytes written, the first 1048576 shown]", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writing_outside_work_fails_on_a_read_only_file_system_and_tmp_is_the_sandboxs_own()
    {
        var marker = "gateway-escape-" + Guid.NewGuid().ToString("N");

        var stdout = SandboxRuns.Completed(await sandbox.RunAloneAsync($$"""
            import errno
            for path in ["/usr/{{marker}}", "/etc/{{marker}}", "/{{marker}}", "/proc/{{marker}}", "/dev/{{marker}}"]:
                try:
                    open(path, "w").write("x")
                    print(path, "written")
                except OSError as e:
                    print(errno.errorcode[e.errno])
            open("/tmp/{{marker}}", "w").write("only inside")
            """));

        Assert.Equal("EROFS\nEROFS\nEROFS\nENOENT\nEROFS\n", stdout);
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), marker)));
        Assert.False(File.Exists("/usr/" + marker));
    }

    [Fact]
    public async Task A_symlink_in_work_to_a_host_file_is_returned_as_a_link_not_followed()
    {
        var result = await sandbox.RunAloneAsync("""
            import os
            os.symlink("/usr/lib/os-release", "release")
            os.symlink("/etc/shadow", "shadow")
            try:
                os.link("/usr/lib/os-release", "hard")
            except OSError as e:
                print(e.errno)
            """);

        Assert.Equal("18\n", SandboxRuns.Completed(result)); // EXDEV: no hard link from /work into /usr
        Assert.Collection(result.Files,
            file => Assert.Equal(new CodeFile("release", CodeFileKind.Symlink, 0, null, null, "/usr/lib/os-release"), file),
            file => Assert.Equal(new CodeFile("shadow", CodeFileKind.Symlink, 0, null, null, "/etc/shadow"), file));
    }

    [Fact]
    public async Task A_background_process_left_running_after_the_timeout_is_killed()
    {
        await using var session = sandbox.Session(timeoutSeconds: 1);

        var result = await SandboxRuns.SucceededAsync(session, """
            import subprocess
            subprocess.Popen(["/bin/sh", "-c", "while :; do :; done"], start_new_session=True)
            subprocess.Popen(["/usr/bin/sleep", "infinity"], start_new_session=True)
            while True:
                pass
            """);

        Assert.Equal(CodeExecutionOutcome.TimedOut, result.Outcome);
        Assert.Empty(HostProcesses.RunningAs(SandboxFixture.Uid(session)));
    }

    [Fact]
    public async Task Refused_syscalls_fail_with_eperm()
    {
        // x86_64 numbers: unshare, setns, mount, pivot_root, ptrace, bpf, keyctl, userfaultfd, perf_event_open, io_uring_setup, open_by_handle_at.
        var stdout = SandboxRuns.Completed(await sandbox.RunAloneAsync("""
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            for number in [272, 308, 165, 155, 101, 321, 250, 323, 298, 425, 304]:
                result = libc.syscall(number, 0, 0, 0, 0, 0)
                print(number, result, ctypes.get_errno())
            # clone with a new user namespace (CLONE_NEWUSER | SIGCHLD)
            print("clone", libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0), ctypes.get_errno())
            """));

        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(12, lines.Length);
        Assert.All(lines, line => Assert.EndsWith(" -1 1", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_code_runs_as_the_slots_unprivileged_uid_with_no_capabilities()
    {
        await using var session = sandbox.Session();

        var stdout = SandboxRuns.Completed(await SandboxRuns.SucceededAsync(session, """
            import os
            status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\t" in line)
            print(os.getuid(), os.getgid(), os.getgroups())
            print(status["CapEff"].strip(), status["CapBnd"].strip(), status["NoNewPrivs"].strip(), status["Seccomp"].strip())
            """));

        var uid = SandboxFixture.Uid(session);
        Assert.Equal(Invariant($"{uid} {uid} []\n0000000000000000 0000000000000000 1 2\n"), stdout);
    }

    private static string ReadFile(string path) => $"""
        try:
            open({Python(path)}).read()
            print("read")
        except OSError as e:
            print(type(e).__name__)
        """;

    private static string Python(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static (int First, int Second) Numbers(string line) =>
        line.Split(' ', StringSplitOptions.TrimEntries) is [var first, var second]
            ? (int.Parse(first, CultureInfo.InvariantCulture), int.Parse(second, CultureInfo.InvariantCulture))
            : throw new FormatException($"two numbers expected, not '{line}'");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

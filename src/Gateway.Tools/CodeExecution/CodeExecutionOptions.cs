namespace Gateway.Tools.CodeExecution;

/// <summary>
/// The operator's settings for code execution: YAML <c>tools.code_execution</c>, one property per key
/// (the key is the property name in snake case). Every limit is the most a session may use;
/// <see cref="Validate"/> names each key that is out of range.
/// </summary>
public sealed record CodeExecutionOptions
{
    /// <summary><c>timeout_seconds</c>: wall clock per call, and the most a request's own <c>timeout_seconds</c> may ask.</summary>
    public int TimeoutSeconds { get; init; } = 30;

    /// <summary><c>memory_mb</c>: address space per process (RLIMIT_AS) and, where a memory cgroup is writable, memory of the whole sandbox.</summary>
    public int MemoryMb { get; init; } = 512;

    /// <summary><c>cpu_seconds</c>: CPU time each process of a session may use over the session (RLIMIT_CPU).</summary>
    public int CpuSeconds { get; init; } = 300;

    /// <summary><c>processes</c>: processes and threads a session may run at once (RLIMIT_NPROC of its slot's uid).</summary>
    public int Processes { get; init; } = 32;

    /// <summary><c>open_files</c>: open file descriptors per process (RLIMIT_NOFILE).</summary>
    public int OpenFiles { get; init; } = 256;

    /// <summary><c>file_size_mb</c>: the largest file a process may write (RLIMIT_FSIZE).</summary>
    public int FileSizeMb { get; init; } = 64;

    /// <summary><c>work_mb</c>: size of the session's <c>/work</c> (a tmpfs inside the sandbox).</summary>
    public int WorkMb { get; init; } = 128;

    /// <summary><c>tmp_mb</c>: size of <c>/tmp</c> and of <c>/dev/shm</c>, each a tmpfs inside the sandbox.</summary>
    public int TmpMb { get; init; } = 64;

    /// <summary><c>max_sessions</c>: sandboxes running at once, one slot (and one uid) each; a call waits for a free slot within its timeout.</summary>
    public int MaxSessions { get; init; } = 4;

    /// <summary><c>first_uid</c>: the host uid of slot 0; slot n runs as <c>first_uid + n</c> (uid and gid). Must not belong to anything else.</summary>
    public int FirstUid { get; init; } = 70000;

    /// <summary><c>python</c>: the interpreter inside the sandbox (under <c>/usr</c>, the only host tree the sandbox sees).</summary>
    public string Python { get; init; } = "/usr/bin/python3";

    /// <summary><c>bwrap</c>: the bubblewrap binary (Debian package <c>bubblewrap</c>).</summary>
    public string Bwrap { get; init; } = "/usr/bin/bwrap";

    /// <summary>Each problem names its YAML key under <c>tools.code_execution</c>; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Range(string key, int value, int min, int max)
        {
            if (value < min || value > max)
                problems.Add($"tools.code_execution.{key} must be from {min} to {max}, not {value}");
        }

        Range("timeout_seconds", TimeoutSeconds, 1, 3600);
        Range("memory_mb", MemoryMb, 64, 1024 * 1024);
        Range("cpu_seconds", CpuSeconds, 1, 86400);
        Range("processes", Processes, 4, 4096);
        Range("open_files", OpenFiles, 32, 65536);
        Range("file_size_mb", FileSizeMb, 1, 1024 * 1024);
        Range("work_mb", WorkMb, 1, 1024 * 1024);
        Range("tmp_mb", TmpMb, 1, 1024 * 1024);
        Range("max_sessions", MaxSessions, 1, 1024);
        // Below 1000 are system accounts.
        Range("first_uid", FirstUid, 1000, int.MaxValue - MaxSessions);
        if (FirstUid <= 65534 && FirstUid + MaxSessions > 65534)
            problems.Add($"tools.code_execution.first_uid {FirstUid} with max_sessions {MaxSessions} would use uid 65534 (nobody); choose a range without it");
        foreach (var (key, path) in new[] { ("python", Python), ("bwrap", Bwrap) })
            if (!Path.IsPathFullyQualified(path))
                problems.Add($"tools.code_execution.{key} must be an absolute path, not '{path}'");
        if (Path.IsPathFullyQualified(Python) && !Python.StartsWith("/usr/", StringComparison.Ordinal))
            problems.Add($"tools.code_execution.python must be under /usr (the only host tree inside the sandbox), not '{Python}'");
        return problems;
    }
}

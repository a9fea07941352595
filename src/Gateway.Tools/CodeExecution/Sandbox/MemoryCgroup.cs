using System.Globalization;

namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>
/// A cap on the memory of a whole sandbox (every process of it, and its tmpfs pages), through a
/// cgroup v1 memory controller the gateway may write: a child of the gateway's own memory cgroup per
/// slot (named by the slot's uid, which is the gateway's alone), which the launch script joins before
/// anything else starts, and which is removed when the session ends. Without one, memory is capped per
/// process only (RLIMIT_AS), so a session may use up to <c>processes × memory_mb</c>.
/// </summary>
/// <remarks>
/// cgroup v2 is not used: a v2 cgroup holding the gateway's own process may not enable controllers for
/// children ("no internal processes"), so it needs a delegated subtree set up by the service manager.
/// </remarks>
internal sealed class MemoryCgroup
{
    private const string Prefix = "gateway-sandbox-";
    private readonly string _parent;

    private MemoryCgroup(string parent) => _parent = parent;

    public string Description => $"a cgroup v1 memory limit per sandbox, under {_parent}";

    /// <summary>The gateway's own v1 memory cgroup, when mounted and writable (a child can be made there); null otherwise.</summary>
    public static MemoryCgroup? Find()
    {
        try
        {
            if (MountPoint() is not { } mount || OwnPath() is not { } own)
                return null;
            var parent = Path.Combine(mount, own.TrimStart('/'));
            var probe = Path.Combine(parent, $"{Prefix}probe-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");
            Directory.CreateDirectory(probe);
            var usable = File.Exists(Path.Combine(probe, "memory.limit_in_bytes"));
            Directory.Delete(probe);
            return usable ? new MemoryCgroup(parent) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The slot's cgroup with its limit set; returns the <c>cgroup.procs</c> file a process writes its pid to.</summary>
    public string Prepare(int uid, long bytes)
    {
        var path = SlotPath(uid);
        Directory.CreateDirectory(path);
        var limit = bytes.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(path, "memory.limit_in_bytes"), limit);
        // With swap accounting, memory+swap must be capped too, or the excess goes to swap.
        var withSwap = Path.Combine(path, "memory.memsw.limit_in_bytes");
        if (File.Exists(withSwap))
            File.WriteAllText(withSwap, limit);
        return Path.Combine(path, "cgroup.procs");
    }

    /// <summary>Removes the slot's cgroup once its processes are gone (one still in use stays, and is reused).</summary>
    public void Remove(int uid) => TryDelete(SlotPath(uid));

    private static void TryDelete(string cgroup)
    {
        try
        {
            Directory.Delete(cgroup);
        }
        catch (IOException)
        {
        }
    }

    private string SlotPath(int uid) => Path.Combine(_parent, Prefix + uid.ToString(CultureInfo.InvariantCulture));

    /// <summary>Where the v1 memory hierarchy is mounted, from /proc/self/mountinfo (fields: ... mount point ... - fstype source options).</summary>
    private static string? MountPoint()
    {
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var halves = line.Split(" - ", 2);
            if (halves.Length < 2)
                continue;
            var fields = halves[0].Split(' ');
            var tail = halves[1].Split(' ');
            if (fields.Length > 4 && tail.Length > 2 && tail[0] == "cgroup" && fields[3] == "/" && tail[2].Split(',').Contains("memory"))
                return fields[4];
        }
        return null;
    }

    /// <summary>The gateway's memory cgroup, from /proc/self/cgroup (lines id:controllers:path).</summary>
    private static string? OwnPath() =>
        File.ReadLines("/proc/self/cgroup")
            .Select(line => line.Split(':', 3))
            .FirstOrDefault(parts => parts.Length == 3 && parts[1].Split(',').Contains("memory"))?[2];
}

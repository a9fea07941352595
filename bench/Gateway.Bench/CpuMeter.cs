using System.Globalization;

namespace Gateway.Bench;

/// <summary>
/// CPU time each process of a run used, read from /proc (Linux only), so a benchmark can say where the
/// two cores went: the load generator, the upstream, the gateway, PostgreSQL or Portkey.
/// </summary>
internal sealed class CpuMeter
{
    private readonly Func<int, string, int, string?> _classify;
    private Dictionary<int, (string Group, long Ticks)> _start = [];

    /// <param name="classify">Names the group of a process from its pid, command and parent's pid, or null to ignore it.</param>
    public CpuMeter(Func<int, string, int, string?> classify) => _classify = classify;

    public static bool Available => Directory.Exists("/proc/self");

    public void Start() => _start = Snapshot();

    /// <returns>CPU milliseconds per group since <see cref="Start"/>.</returns>
    public IReadOnlyDictionary<string, double> Stop()
    {
        var end = Snapshot();
        var used = new Dictionary<string, double>();
        foreach (var (pid, (group, ticks)) in end)
        {
            // A process that began during the run counts from zero.
            var before = _start.TryGetValue(pid, out var s) ? s.Ticks : 0;
            used[group] = used.GetValueOrDefault(group) + (ticks - before) * 10.0;
        }

        return used;
    }

    private Dictionary<int, (string, long)> Snapshot()
    {
        var result = new Dictionary<int, (string, long)>();
        if (!Available)
            return result;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // "pid (comm) state ppid ..." where comm may hold spaces: split after the last ')'.
                var close = stat.LastIndexOf(')');
                var comm = stat[(stat.IndexOf('(') + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                if (_classify(pid, comm, int.Parse(fields[1], CultureInfo.InvariantCulture)) is not { } group)
                    continue;
                // utime and stime are fields 14 and 15 of the line, 12 and 13 after the comm; clock ticks of 10 ms.
                result[pid] = (group, long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended between listing and reading.
            }
        }

        return result;
    }
}

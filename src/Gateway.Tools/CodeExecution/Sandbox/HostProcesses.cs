using System.Diagnostics;
using System.Globalization;

namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>The host's processes by real uid, read from /proc: how a slot is known to be empty before it is reused.</summary>
internal static class HostProcesses
{
    /// <summary>Pids of the processes whose real uid is <paramref name="uid"/>.</summary>
    public static IReadOnlyList<int> RunningAs(int uid)
    {
        var wanted = uid.ToString(CultureInfo.InvariantCulture);
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            try
            {
                // "Uid:\t<real>\t<effective>\t<saved>\t<filesystem>"
                var line = File.ReadLines(Path.Combine(directory, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                if (line is not null && line.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, var real, ..] && real == wanted)
                    found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while being read.
            }
        }
        return found;
    }

    /// <summary>The direct children of <paramref name="pid"/> (none when it has ended).</summary>
    public static IReadOnlyList<int> ChildrenOf(int pid)
    {
        var id = pid.ToString(CultureInfo.InvariantCulture);
        try
        {
            return [.. File.ReadAllText($"/proc/{id}/task/{id}/children")
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(child => int.Parse(child, CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public static void KillAll(int uid) => Kill(RunningAs(uid));

    public static void Kill(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // It ended in between.
            }
        }
    }

    /// <summary>
    /// Waits until no process of <paramref name="uid"/> remains. The kernel kills a pid namespace's
    /// processes when its first process dies, but reaping them takes a moment.
    /// </summary>
    /// <returns>False when some were still there after <paramref name="patience"/>.</returns>
    public static async Task<bool> WaitUntilNoneRunAsAsync(int uid, TimeSpan patience, TimeProvider time)
    {
        var started = time.GetTimestamp();
        while (RunningAs(uid).Count > 0)
        {
            if (time.GetElapsedTime(started) > patience)
                return false;
            await Task.Delay(TimeSpan.FromMilliseconds(5), time);
        }
        return true;
    }
}

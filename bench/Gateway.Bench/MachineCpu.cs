using System.Globalization;

namespace Gateway.Bench;

/// <summary>
/// How busy the whole machine's cores were over a stretch of time, from /proc/stat: what tells whether the cores
/// saturated, whichever process (ours or another's) kept them busy.
/// </summary>
internal sealed class MachineCpu
{
    private readonly (long Busy, long Total) _start = Read();

    /// <returns>Cores busy on average since this was created (2.0 on a 2-core machine means saturated); null without /proc.</returns>
    public double? BusyCores()
    {
        var end = Read();
        return end.Total == _start.Total ? null : (double)(end.Busy - _start.Busy) / (end.Total - _start.Total) * Environment.ProcessorCount;
    }

    /// <summary>The first line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ..." in clock ticks.</summary>
    private static (long Busy, long Total) Read()
    {
        if (!File.Exists("/proc/stat"))
            return (0, 0);
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var idle = ticks[3] + ticks[4];
        return (ticks.Sum() - idle, ticks.Sum());
    }
}

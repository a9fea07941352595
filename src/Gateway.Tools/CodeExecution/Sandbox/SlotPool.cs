using System.Threading.Channels;

namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>
/// The sandboxes that may run at once, each under its own host uid (<c>first_uid + index</c>), so
/// that RLIMIT_NPROC, which the kernel counts per uid, bounds each session alone, and no two sessions
/// can signal or read each other's processes.
/// </summary>
internal sealed class SlotPool
{
    private readonly Channel<int> _free = Channel.CreateUnbounded<int>();

    public SlotPool(int firstUid, int count)
    {
        Count = count;
        foreach (var uid in Enumerable.Range(firstUid, count))
            _free.Writer.TryWrite(uid);
    }

    public int Count { get; }

    /// <summary>A free slot's uid, or null when none came free before <paramref name="wait"/> was cancelled.</summary>
    public async Task<int?> AcquireAsync(CancellationToken wait)
    {
        try
        {
            return await _free.Reader.ReadAsync(wait);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Gives the slot back; only once none of its uid's processes remain (see <see cref="HostProcesses"/>).</summary>
    public void Release(int uid) => _free.Writer.TryWrite(uid);
}

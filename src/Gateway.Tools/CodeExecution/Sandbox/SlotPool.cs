namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>
/// The sandboxes that may run at once, each under its own host uid (<c>first_uid + index</c>), so
/// that RLIMIT_NPROC, which the kernel counts per uid, bounds each session alone, and no two sessions
/// can signal or read each other's processes.
/// </summary>
internal sealed class SlotPool(int firstUid, int count)
{
    private readonly SemaphoreSlim _free = new(count, count);
    private readonly Stack<int> _uids = new(Enumerable.Range(firstUid, count).Reverse());

    public int Count => count;

    /// <summary>A free slot's uid, or null when none came free before <paramref name="wait"/> ran out.</summary>
    public async Task<int?> AcquireAsync(CancellationToken wait)
    {
        try
        {
            await _free.WaitAsync(wait);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        lock (_uids)
            return _uids.Pop();
    }

    /// <summary>Gives the slot back; only once none of its uid's processes remain (see <see cref="HostProcesses"/>).</summary>
    public void Release(int uid)
    {
        lock (_uids)
            _uids.Push(uid);
        _free.Release();
    }
}

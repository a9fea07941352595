using System.Collections.Concurrent;
using Gateway.Domain.Upstreams.Sharing;
using Gateway.Host.Persistence;
using Npgsql;

namespace Gateway.Host.Features.Upstreams.Sharing;

/// <summary>
/// Keeps this instance's shares of the windows all instances count against together (<see cref="QuotaShares"/>):
/// leases a share when a request lacks one, closes grants in the background (spent, stale, idle), and gives back at
/// once when another instance that came up short asks (NOTIFY on <see cref="Channel"/>). A request waits for a grant
/// only when its share ran out, about once a second per window while it is busy.
/// </summary>
internal sealed partial class SharedQuotas(
    QuotaShares shares, QuotaGrants grants, NpgsqlDataSource dataSource, NotificationListener notifications, TimeProvider time, ILogger<SharedQuotas> logger)
    : BackgroundService
{
    /// <summary>Instances ask each other to give back here (<c>ask</c>) and say they did (<c>returned</c>).</summary>
    public const string Channel = "gateway_quota_giveback";

    /// <summary>How many times one request may lease shares before its limit counts as unavailable: grants race other requests.</summary>
    public const int LeaseRounds = 8;

    /// <summary>How long a request that came up short waits for the holders to give back before it is refused.</summary>
    public static readonly TimeSpan GiveBackWait = TimeSpan.FromMilliseconds(300);

    private static readonly TimeSpan SettleEvery = TimeSpan.FromMilliseconds(500);
    private const char Separator = '\u001f';

    private readonly ConcurrentDictionary<QuotaKey, Gate> _gates = new();
    private readonly ConcurrentDictionary<QuotaKey, byte> _askedBack = new();
    private readonly ConcurrentDictionary<QuotaKey, TaskCompletionSource> _returned = new();
    private readonly ConcurrentDictionary<QuotaKey, DateTimeOffset> _lastAsked = new();
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>This process's name on its grants.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N")[..16];

    /// <summary>
    /// Leases each window a request lacks (one grant at a time per window on this instance: a burst asks once) and hands
    /// each grant to <paramref name="granted"/>. When the store cannot be reached the share is granted here alone, so the
    /// limits fall back to this instance's own counts rather than refusing every request of a limited key.
    /// </summary>
    public async Task LeaseAsync(IReadOnlyList<QuotaWant> wants, Action<QuotaWant, QuotaGrant> granted, CancellationToken ct)
    {
        foreach (var want in wants)
        {
            var gate = _gates.GetOrAdd(want.Key, _ => new Gate());
            Interlocked.Increment(ref gate.Waiting);
            try
            {
                await gate.Lock.WaitAsync(ct);
            }
            finally
            {
                Interlocked.Decrement(ref gate.Waiting);
            }

            try
            {
                // Granted to a request that queued ahead: nothing to ask unless this want carries closings or overspend.
                if (want.Closings.Count == 0 && want.Forced == 0 && shares.Available(want.Key, time.GetUtcNow()) >= want.Need)
                    continue;
                // Requests queued behind this one want the same window: one grant for all of them, not one each (a cold
                // share under a burst would otherwise hand each grant to whoever admits first and starve the rest).
                var queued = Volatile.Read(ref gate.Waiting);
                await GrantAsync(queued == 0 ? want : want with { Extra = Math.Max(want.Extra, (queued + 1) * want.Need) }, granted, ct);
            }
            finally
            {
                gate.Lock.Release();
            }
        }
    }

    private async Task GrantAsync(QuotaWant want, Action<QuotaWant, QuotaGrant> granted, CancellationToken ct)
    {
        QuotaGrant grant;
        try
        {
            grant = await grants.GrantAsync(want, Instance, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            shares.Failed(want);
            LogStoreUnreachable(e, want.Key.ToString());
            granted(want, new QuotaGrant(0, want.Forced + want.Shortfall + want.Extra, null, 0));
            return;
        }

        if (grant.Units - want.Forced >= want.Shortfall || grant.HeldElsewhere == 0)
        {
            granted(want, grant);
            return;
        }

        // Short while others hold unspent grants: ask them to give back, then ask once more, without what the first grant recorded.
        var again = want with { Forced = 0, Closings = [] };
        var applied = false;
        try
        {
            if (!await AskBackAsync(want.Key, ct))
            {
                granted(want, grant);
                return;
            }

            granted(want with { Shortfall = 0 }, grant);
            applied = true;
            again = again with { Now = time.GetUtcNow() };
            granted(again, await grants.GrantAsync(again, Instance, ct));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogStoreUnreachable(e, want.Key.ToString());
            // Refused for a moment either way: the first grant was short.
            granted(applied ? again : want, applied ? new QuotaGrant(0, 0, grant.FreeAt, 0) : grant);
        }
    }

    /// <summary>Asks the other instances to give back their unspent grants of a window, and waits a bounded time for one to say it did.</summary>
    /// <returns>False when this instance asked a moment ago and did not wait: asking again so soon would only repeat the wait.</returns>
    private async Task<bool> AskBackAsync(QuotaKey key, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_lastAsked.TryGetValue(key, out var last) && now - last < GiveBackWait * 2)
            return false;
        _lastAsked[key] = now;
        var returned = _returned.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await NotifyAsync("ask", key, ct);
        try
        {
            await returned.Task.WaitAsync(GiveBackWait, time, ct);
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            _returned.TryRemove(new KeyValuePair<QuotaKey, TaskCompletionSource>(key, returned));
        }

        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = notifications.RunAsync(Channel, Heard, _ => Task.CompletedTask, TimeSpan.FromSeconds(1), stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(SettleEvery, stoppingToken);
                await SettleAsync(all: false, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await listening;
    }

    /// <summary>At shutdown: every grant is closed, so what this instance did not spend is free for the others at once.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await SettleAsync(all: true, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override void Dispose()
    {
        foreach (var gate in _gates.Values)
            gate.Lock.Dispose();
        _wake.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task SettleAsync(bool all, CancellationToken ct)
    {
        var asked = _askedBack.Keys.ToHashSet();
        foreach (var settlement in shares.Settlements(time.GetUtcNow(), key => all || asked.Contains(key)))
        {
            try
            {
                await grants.SettleAsync(settlement, Instance, ct);
                if (asked.Contains(settlement.Key))
                    await NotifyAsync("returned", settlement.Key, ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                shares.Unsettled(settlement);
                LogStoreUnreachable(e, settlement.Key.ToString());
            }
        }

        foreach (var key in asked)
            _askedBack.TryRemove(key, out _);
    }

    private void Heard(string payload)
    {
        var parts = payload.Split(Separator);
        if (parts is not [var verb, var from, var owner, var scope, var group, var dimension] || !Enum.TryParse<QuotaDimension>(dimension, out var d) || from == Instance)
            return;
        var key = new QuotaKey(owner, scope, group, d);
        if (verb == "ask")
        {
            _askedBack[key] = 0;
            if (_wake.CurrentCount == 0)
                _wake.Release();
        }
        else if (verb == "returned" && _returned.TryGetValue(key, out var waiting))
        {
            waiting.TrySetResult();
        }
    }

    private Task NotifyAsync(string verb, QuotaKey key, CancellationToken ct) =>
        ChangeNotice.SendAsync(dataSource, Channel, string.Join(Separator, verb, Instance, key.Owner, key.Scope, key.Group, key.Dimension.ToString()), ct);

    /// <summary>One grant at a time per window on this instance, and how many requests wait for it.</summary>
    private sealed class Gate
    {
        public int Waiting;

        public SemaphoreSlim Lock { get; } = new(1, 1);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reach the shared limits store for {Window}; counting it on this instance alone meanwhile")]
    private partial void LogStoreUnreachable(Exception exception, string window);
}

using System.Collections.Concurrent;
using Gateway.Domain.Budgets;
using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Dialects;
using Npgsql;

namespace Gateway.Host.Features.Budgets;

/// <summary>
/// Admission and settlement against every budget that applies to a request, without a database
/// round trip while this instance's leased headroom lasts. Holds are worst cases; settlement charges
/// the actual cost and frees the hold exactly once; failures release it whole.
/// </summary>
internal sealed partial class BudgetLedger(
    BudgetStore budgets, BudgetLeases leases, BudgetGiveBack giveBack, TimeProvider time, ILogger<BudgetLedger> logger) : BackgroundService
{
    private static readonly TimeSpan IdleReturn = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<(string BudgetId, DateTimeOffset Start), BudgetAccount> _accounts = new();
    private readonly ConcurrentDictionary<(string BudgetId, DateTimeOffset Start), PeriodGate> _granting = new();

    /// <summary>This process's name on its leases and on the usage it records.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N")[..16];

    internal sealed record Hold(Budget Budget, DateTimeOffset PeriodStart, BudgetAccount Account, Guid Id, Spend Need);

    internal sealed record Admission(IReadOnlyList<Hold> Holds)
    {
        public static Admission None { get; } = new([]);
    }

    /// <summary>A budget period a request was charged to, as the usage record carries it.</summary>
    internal sealed record Charge(string BudgetId, DateTimeOffset PeriodStart);

    /// <param name="need">The worst case a request may cost under one budget.</param>
    /// <returns>
    /// The holds, or the refusal of the first budget without room for them: 402 when what is spent and held for requests in
    /// flight leaves too little, 429 when the room is leased by other instances that did not give it back in time.
    /// </returns>
    /// <exception cref="NpgsqlException">The database could not be asked for headroom: refuse rather than overspend.</exception>
    public async Task<RefusalOr<Admission>> AdmitAsync(
        Principal principal, IReadOnlyList<(string Provider, string Model)> targets, Spend need, CancellationToken ct)
    {
        var applying = budgets.ApplyingTo(principal, targets);
        if (applying.Count == 0)
            return Admission.None;
        var now = time.GetUtcNow();
        var holds = new List<Hold>(applying.Count);
        foreach (var budget in applying)
        {
            var start = budget.Period.StartOf(now);
            var account = _accounts.GetOrAdd((budget.Id, start), _ => new BudgetAccount());
            var hold = new Hold(budget, start, account, Guid.NewGuid(), need);
            if (budget.Mode == BudgetMode.AlertOnly)
                account.ForceHold(hold.Id, need, now);
            else if (!account.TryHold(hold.Id, need, now) && await LeaseAndHoldAsync(hold, now, ct) is { } refused)
            {
                Release(new Admission(holds));
                return refused;
            }

            holds.Add(hold);
        }

        return new Admission(holds);
    }

    /// <summary>
    /// Charges the actual spend to the budgets that apply to what served the request (a fallback may
    /// have left some behind) and releases the rest; a second call changes nothing.
    /// </summary>
    public static IReadOnlyList<Charge> Settle(Admission admission, Principal principal, string provider, string model, Spend actual)
    {
        var charges = new List<Charge>();
        foreach (var hold in admission.Holds)
        {
            if (hold.Budget.AppliesTo(principal, provider, model))
            {
                if (hold.Account.Settle(hold.Id, actual))
                    charges.Add(new Charge(hold.Budget.Id, hold.PeriodStart));
            }
            else
            {
                hold.Account.Release(hold.Id);
            }
        }

        return charges;
    }

    /// <summary>The request cost nothing (refused, failed upstream): every hold goes back whole.</summary>
    public static void Release(Admission admission)
    {
        foreach (var hold in admission.Holds)
            hold.Account.Release(hold.Id);
    }

    /// <summary>The usage writer is storing these charges of this instance (<see cref="BudgetAccount.Storing"/>).</summary>
    public void Storing(IEnumerable<Charge> charges, Spend spend) => Charged(charges, account => account.Storing(spend));

    /// <summary>The usage writer did not store these charges of this instance: they are unstored again.</summary>
    public void NotStored(IEnumerable<Charge> charges, Spend spend) => Charged(charges, account => account.NotStored(spend));

    /// <summary>The usage writer stored these charges of this instance: the database took them out of its leases.</summary>
    public void Stored(IEnumerable<Charge> charges, Spend spend) => Charged(charges, account => account.Stored(spend));

    private void Charged(IEnumerable<Charge> charges, Action<BudgetAccount> apply)
    {
        foreach (var charge in charges)
        {
            if (_accounts.TryGetValue((charge.BudgetId, charge.PeriodStart), out var account))
                apply(account);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        budgets.Changed += id => _ = ReturnOnChangeAsync(id, stoppingToken);
        return Task.WhenAll(giveBack.RunAsync(ask => OnAsked(ask, stoppingToken), stoppingToken), RenewAsync(stoppingToken));
    }

    private async Task RenewAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(BudgetLeases.Lifetime / 6);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await leases.RenewAsync(Instance, stoppingToken);
                    await ReturnIdleAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    LogRenewFailed(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Runs after the usage log's own stop (registered first, stopped last): spend is stored, leases go back.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await leases.ReleaseAllAsync(Instance, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            LogRenewFailed(e);
        }
    }

    public override void Dispose()
    {
        foreach (var gate in _granting.Values)
            gate.Lock.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task ReturnIdleAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var ((budgetId, start), account) in _accounts)
        {
            if (now - account.LastHeldAt < IdleReturn || account.HoldCount > 0)
                continue;
            await ReturnAsync(budgetId, start, account, account.TakeUnused(), ct);

            // A finished period with nothing in flight and nothing unstored is done with here.
            if (budgets.Find(budgetId) is not { } b || b.Budget.Period.StartOf(now) != start)
            {
                if (account.Settled == Spend.Zero)
                    _accounts.TryRemove((budgetId, start), out _);
            }
        }
    }

    /// <summary>
    /// A budget changed (a lower limit, a new pattern): headroom leased under its old definition goes
    /// back at once, so the next request leases under the new one instead of spending the old lease.
    /// </summary>
    private async Task ReturnUnusedAsync(string budgetId, CancellationToken ct)
    {
        foreach (var ((id, start), account) in _accounts)
        {
            if (id == budgetId)
                await ReturnAsync(id, start, account, account.TakeUnused(), ct);
        }
    }

    private async Task ReturnOnChangeAsync(string budgetId, CancellationToken ct)
    {
        try
        {
            await ReturnUnusedAsync(budgetId, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // The lease expires or is returned when idle; until then this instance may still use it.
            LogRenewFailed(e);
        }
    }

    /// <param name="unused">What was taken out of the account to give back (<see cref="BudgetAccount.TakeUnused"/>).</param>
    private async Task ReturnAsync(string budgetId, DateTimeOffset start, BudgetAccount account, Spend unused, CancellationToken ct)
    {
        if (unused == Spend.Zero)
            return;
        try
        {
            await leases.ReturnAsync(budgetId, start, Instance, unused, ct);
        }
        catch
        {
            // The database still counts it as leased here, so it stays usable here.
            account.Grant(unused);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew or return budget leases")]
    private partial void LogRenewFailed(Exception exception);
}

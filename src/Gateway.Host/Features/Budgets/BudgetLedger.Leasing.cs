using System.Globalization;
using Gateway.Domain.Budgets;
using Gateway.Host.Features.Dialects;
using Npgsql;

namespace Gateway.Host.Features.Budgets;

/// <summary>
/// When this instance's lease runs short: a grant from the database; when that comes back short too, the other
/// instances leasing the period asked to give back what they do not use (<see cref="BudgetGiveBack"/>), and a refusal
/// that says which it is: the limit reached (402), or room held elsewhere (429, retry).
/// </summary>
internal sealed partial class BudgetLedger
{
    /// <summary>When a refusal for headroom held elsewhere says to try again.</summary>
    private const int HeldRetryAfterSeconds = 1;

    /// <summary>The most rounds of asking one request waits through, however its clock runs.</summary>
    private const int MostRounds = 8;

    /// <summary>Grants for one period on this instance, one at a time, and the last refusal reached under them.</summary>
    private sealed class PeriodGate
    {
        private int _refusals;

        public SemaphoreSlim Lock { get; } = new(1, 1);

        /// <summary>How many refusals were reached here; read before waiting for the lock, it tells whether one was reached meanwhile.</summary>
        public int Refusals => Volatile.Read(ref _refusals);

        /// <summary>The last refusal and the need it was reached for; read and written under <see cref="Lock"/>.</summary>
        public (Spend Need, Refusal Refusal)? Last { get; private set; }

        public void Refused(Spend need, Refusal refusal)
        {
            Last = (need, refusal);
            Interlocked.Increment(ref _refusals);
        }
    }

    /// <returns>Null once the hold is placed; otherwise why the budget has no room for it.</returns>
    private async Task<Refusal?> LeaseAndHoldAsync(Hold hold, DateTimeOffset now, CancellationToken ct)
    {
        // One grant at a time per period on this instance: a burst of requests asks the database once.
        var gate = _granting.GetOrAdd((hold.Budget.Id, hold.PeriodStart), _ => new PeriodGate());
        var seen = gate.Refusals;
        await gate.Lock.WaitAsync(ct);
        try
        {
            if (hold.Account.TryHold(hold.Id, hold.Need, now))
                return null;
            // A refusal reached while this request waited, for a need no larger than its own, answers it too: a burst past
            // the limit costs one round of asking the other instances, not one per request.
            if (gate.Refusals != seen && gate.Last is { } last && hold.Need.Covers(last.Need))
                return last.Refusal;
            if (await GrantAndHoldAsync(hold, now, ct))
                return null;
            var refusal = await AskHoldersAsync(hold, now, ct);
            if (refusal is not null)
                gate.Refused(hold.Need, refusal);
            return refusal;
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    private async Task<bool> GrantAndHoldAsync(Hold hold, DateTimeOffset now, CancellationToken ct)
    {
        // The shortfall plus about a second of this account's traffic (a single hold while it cools off), so the next
        // ones need no round trip.
        var (shortfall, extra) = LeaseSizing.Want(hold.Need, hold.Account.Available, hold.Account.HoldsPerSecond, hold.Account.CoolingOff(now));
        hold.Account.Grant(await leases.GrantAsync(hold.Budget, hold.PeriodStart, Instance, shortfall, extra, ct));
        return hold.Account.TryHold(hold.Id, hold.Need, now);
    }

    /// <summary>
    /// The grant came back short: the other instances leasing the period give back what they do not use, and the grant
    /// is tried again. What is still short is judged by what they said they keep in use; when that leaves room (one of
    /// them leased again for requests of its own before this grant, or spend was stored meanwhile), it is all done
    /// again while the wait lasts.
    /// </summary>
    private async Task<Refusal?> AskHoldersAsync(Hold hold, DateTimeOffset now, CancellationToken ct)
    {
        var (budget, start) = (hold.Budget, hold.PeriodStart);
        var until = time.GetUtcNow() + BudgetGiveBack.Wait;
        var before = await leases.HoldingsAsync(budget.Id, start, ct);
        for (var round = 1; ; round++)
        {
            var others = Others(before);
            IReadOnlyDictionary<string, LeaseUse> kept = others.Count == 0 ? new Dictionary<string, LeaseUse>() : await giveBack.AskAsync(Instance, budget.Id, start, others, until - time.GetUtcNow(), ct);
            // The first round without holders to ask follows the grant that came back short: it has nothing new to try.
            if ((others.Count > 0 || round > 1) && await GrantAndHoldAsync(hold, now, ct))
                return null;
            var shortage = HeadroomShortage.Judge(budget.Limit, before.Spent, hold.Need, kept.Values.Append(hold.Account.Use));
            if (shortage.Kind == ShortageKind.LimitReached)
                return NoRoom(budget, shortage, hold.Need, budget.Period.NextReset(now));
            if (kept.Count < others.Count || round == MostRounds || time.GetUtcNow() >= until)
                return HeldElsewhere(budget);
            before = await leases.HoldingsAsync(budget.Id, start, ct);
        }
    }

    private List<string> Others(BudgetLeases.Holdings holdings) => [.. holdings.Holders.Where(instance => instance != Instance)];

    private static Refusal NoRoom(Budget budget, HeadroomShortage shortage, Spend need, DateTimeOffset? resetAt)
    {
        var resets = resetAt is { } reset ? "it resets at " + reset.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "it does not reset";
        // Holds are worst cases: saying how much of the limit they take tells a client why a retry once they settle may pass.
        var inFlight = shortage.Held.Usd > 0
            ? string.Create(CultureInfo.InvariantCulture,
                $", of which ${shortage.Spent.Usd:0.00##########} is spent and ${shortage.Held.Usd:0.00##########} held for requests in flight; this one needs up to ${need.Usd:0.00##########}")
            : "";
        return new Refusal(402, "budget_exceeded",
            string.Create(CultureInfo.InvariantCulture, $"budget '{budget.Name}' ({budget.Id}) has no room for this request (limit ${budget.LimitUsd:0.00##########}{inFlight}); {resets}"));
    }

    private static Refusal HeldElsewhere(Budget budget) => new(429, "budget_headroom_held",
        string.Create(CultureInfo.InvariantCulture,
            $"budget '{budget.Name}' ({budget.Id}) has room for this request, but other gateway instances hold that headroom leased and did not give it back within {BudgetGiveBack.Wait.TotalMilliseconds:0} ms (busy, or stopped without returning their lease, which then expires within {BudgetLeases.Lifetime.TotalSeconds:0} s); retry in {HeldRetryAfterSeconds} s"),
        RetryAfterSeconds: HeldRetryAfterSeconds);

    /// <summary>Another instance is short of a period's headroom: what this one does not use of it goes back, and its next leases are small.</summary>
    private void OnAsked(BudgetGiveBack.Ask ask, CancellationToken ct)
    {
        if (ask.Asker != Instance && _accounts.TryGetValue((ask.BudgetId, ask.PeriodStart), out var account))
            _ = GiveBackAsync(ask, account, ct);
    }

    private async Task GiveBackAsync(BudgetGiveBack.Ask ask, BudgetAccount account, CancellationToken ct)
    {
        try
        {
            await ReturnAsync(ask.BudgetId, ask.PeriodStart, account, account.GiveBack(time.GetUtcNow()), ct);
            await giveBack.AnswerAsync(ask, Instance, account.Use, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // Unanswered, the asker refuses as held elsewhere, and its client retries.
            LogGiveBackFailed(e, ask.BudgetId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not give headroom of budget {BudgetId} back to the instance that asked")]
    private partial void LogGiveBackFailed(Exception exception, string budgetId);
}

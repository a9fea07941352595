using System.Collections.Concurrent;
using System.Globalization;
using Gateway.Domain.Budgets;
using Gateway.Host.Persistence;
using Npgsql;

namespace Gateway.Host.Features.Budgets;

/// <summary>
/// The NOTIFY conversation by which an instance whose grant came back short asks the instances leasing the period to
/// give back what they do not use, and hears what each keeps in use. Asks and answers share one channel; after the
/// schema, a payload is <c>ask|{ask}|{asker}|{budget}|{period start, UTC ticks}</c> or
/// <c>kept|{ask}|{instance}|{held: usd|tokens|requests}|{unstored: usd|tokens|requests}</c>.
/// </summary>
internal sealed class BudgetGiveBack(NpgsqlDataSource dataSource, NotificationListener notifications, TimeProvider time)
{
    public const string Channel = "gateway_budget_give_back";

    /// <summary>
    /// How long an asker waits for the holders (over every round of asking) before it refuses as held elsewhere: a live
    /// holder answers in milliseconds, so this bounds what a holder that died (its lease lives on until it expires) or
    /// lost its listening connection costs a request.
    /// </summary>
    public static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, Asking> _asking = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Another instance asks for the unused headroom of a period (<see cref="AnswerAsync"/> says what stays in use).</summary>
    internal sealed record Ask(string Id, string Asker, string BudgetId, DateTimeOffset PeriodStart);

    /// <summary>Listens until stopped, handing every ask (this instance's own too) to <paramref name="onAsked"/>.</summary>
    public Task RunAsync(Action<Ask> onAsked, CancellationToken ct) =>
        notifications.RunAsync(Channel, payload => Dispatch(payload.Split('|'), onAsked), _ =>
        {
            _listening.TrySetResult();
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(1), ct);

    /// <summary>
    /// Asks <paramref name="holders"/> to give back what they do not use of the period, and waits until each has
    /// answered or <paramref name="wait"/> is over.
    /// </summary>
    /// <param name="wait">What is left of the asker's wait; one already over (the asker's last read took it up) asks nobody.</param>
    /// <returns>What each holder that answered keeps in use (its unused headroom is back in the database by then).</returns>
    public async Task<IReadOnlyDictionary<string, LeaseUse>> AskAsync(
        string asker, string budgetId, DateTimeOffset periodStart, IReadOnlyCollection<string> holders, TimeSpan wait, CancellationToken ct)
    {
        if (wait <= TimeSpan.Zero)
            return new Dictionary<string, LeaseUse>();
        var id = Guid.NewGuid().ToString("N");
        var asking = _asking[id] = new Asking([.. holders]);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            var over = Task.Delay(wait, time, waiting.Token);
            // The answers come on this instance's own listening connection: an ask sent before it listens hears none.
            if (await Task.WhenAny(_listening.Task, over) == _listening.Task)
            {
                await ChangeNotice.SendAsync(dataSource, Channel,
                    string.Join('|', "ask", id, asker, budgetId, periodStart.UtcTicks.ToString(CultureInfo.InvariantCulture)), ct);
                await Task.WhenAny(asking.Answered, over);
            }

            ct.ThrowIfCancellationRequested();
            return asking.Answers.ToDictionary(StringComparer.Ordinal);
        }
        finally
        {
            await waiting.CancelAsync();
            _asking.TryRemove(id, out _);
        }
    }

    /// <summary>Tells the asker what this instance keeps in use of the period, once its unused headroom is back in the database.</summary>
    public Task AnswerAsync(Ask ask, string instance, LeaseUse use, CancellationToken ct) =>
        ChangeNotice.SendAsync(dataSource, Channel, string.Join('|', "kept", ask.Id, instance, Format(use.Held), Format(use.Unstored)), ct);

    private void Dispatch(string[] parts, Action<Ask> onAsked)
    {
        switch (parts)
        {
            case ["ask", var id, var asker, var budgetId, var ticks] when long.TryParse(ticks, CultureInfo.InvariantCulture, out var start):
                onAsked(new Ask(id, asker, budgetId, new DateTimeOffset(start, TimeSpan.Zero)));
                break;
            case ["kept", var id, var instance, .. var use] when _asking.TryGetValue(id, out var asking) && Parse(use) is { } kept:
                asking.Answer(instance, kept);
                break;
        }
    }

    private static string Format(Spend spend) =>
        string.Create(CultureInfo.InvariantCulture, $"{spend.Usd}|{spend.Tokens}|{spend.Requests}");

    private static LeaseUse? Parse(string[] use) =>
        use is [var hu, var ht, var hr, var uu, var ut, var ur]
        && ParseSpend(hu, ht, hr) is { } held && ParseSpend(uu, ut, ur) is { } unstored
            ? new LeaseUse(held, unstored)
            : null;

    private static Spend? ParseSpend(string usd, string tokens, string requests) =>
        decimal.TryParse(usd, CultureInfo.InvariantCulture, out var u) && long.TryParse(tokens, CultureInfo.InvariantCulture, out var t)
        && long.TryParse(requests, CultureInfo.InvariantCulture, out var r)
            ? new Spend(u, t, r)
            : null;

    /// <summary>One ask's answers, complete when every holder asked has answered.</summary>
    private sealed class Asking(HashSet<string> holders)
    {
        private readonly ConcurrentDictionary<string, LeaseUse> _answers = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Answered => _all.Task;

        public IReadOnlyDictionary<string, LeaseUse> Answers => _answers;

        public void Answer(string instance, LeaseUse use)
        {
            if (!holders.Contains(instance))
                return;
            _answers[instance] = use;
            if (_answers.Count == holders.Count)
                _all.TrySetResult();
        }
    }
}

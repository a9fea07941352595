using Gateway.Domain.Budgets;
using Gateway.Domain.Tenancy;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Pricing;
using Npgsql;

namespace Gateway.Host.Features.Budgets;

/// <summary>
/// What every inference endpoint does about money before it calls upstream, whatever its dialect: refuse
/// unpriced models when pricing is required, and admit a request against its budgets at its worst-case
/// cost. When it ends, <see cref="BudgetLedger.Settle"/> charges what its usage record was priced at.
/// </summary>
internal sealed class Spending(PriceStore prices, BudgetLedger ledger)
{
    /// <summary>Output tokens a request is assumed to produce when it sets no cap.</summary>
    public const int DefaultMaxOutputTokens = 4096;

    /// <summary>The targets that may be used: all, or only priced ones when <c>require_pricing</c> is on.</summary>
    public IReadOnlyList<RouteTarget> Priced(IReadOnlyList<RouteTarget> targets, DateTimeOffset at) =>
        prices.RequirePricing ? [.. targets.Where(t => prices.PriceAt(t.Provider, t.Model, at) is not null)] : targets;

    /// <summary>
    /// Holds the worst case the request can cost (over every target it may fall back to) on each budget that applies:
    /// every prompt token at the dearest of its target's input and cache-write prices, since the upstream may write any
    /// of them to its cache. Settlement then charges the exact split the upstream reported.
    /// </summary>
    /// <param name="promptBytes">The prompt's size: the client's body (a stored conversation it continues included), or a loop's later call's prompt.</param>
    /// <param name="maxOutputTokens">The request's output cap in its dialect's field; <see cref="DefaultMaxOutputTokens"/> when it sets none.</param>
    public async Task<RefusalOr<BudgetLedger.Admission>> AdmitAsync(
        Principal principal, IReadOnlyList<RouteTarget> targets, long promptBytes, int? maxOutputTokens, DateTimeOffset at, CancellationToken ct)
    {
        // An upper bound on prompt tokens: about three bytes a token (English runs nearer four).
        var promptTokens = (int)Math.Min(int.MaxValue, promptBytes / 3);
        var maxOutput = maxOutputTokens ?? DefaultMaxOutputTokens;
        var usd = targets.Max(t => prices.PriceAt(t.Provider, t.Model, at)?.WorstCase(promptTokens, maxOutput) ?? 0m);
        try
        {
            return await ledger.AdmitAsync(
                principal, [.. targets.Select(t => (t.Provider, t.Model))], new Spend(usd, promptTokens + maxOutput, 1), ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Headroom could not be leased: refusing is the only way to keep the limit.
            return new Refusal(503, "budget_unavailable", "budget state cannot be read right now; retry shortly");
        }
    }
}

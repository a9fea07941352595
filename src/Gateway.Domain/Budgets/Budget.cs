using Gateway.Domain.Tenancy;

namespace Gateway.Domain.Budgets;

/// <summary>Whose spending a budget limits; the API names each by its name in lower case (<see cref="BudgetScopes"/>).</summary>
public enum BudgetScopeKind
{
    Organization,
    User,
    Key,
}

/// <summary>The scope names the API takes and stores, one per <see cref="BudgetScopeKind"/>.</summary>
public static class BudgetScopes
{
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetNames<BudgetScopeKind>().Select(n => n.ToLowerInvariant())];

    /// <summary>"organization, user or key", for error messages.</summary>
    public static string Described => string.Join(", ", Names.SkipLast(1)) + " or " + Names[^1];

    /// <summary>The scope a name means, or null when it means none (names are exact: no numbers, no other case).</summary>
    public static BudgetScopeKind? Parse(string name) => Names.Contains(name) ? Enum.Parse<BudgetScopeKind>(name, ignoreCase: true) : null;

    public static string Name(BudgetScopeKind kind) => kind.ToString().ToLowerInvariant();
}

public enum BudgetMode
{
    /// <summary>A request that would go over is refused.</summary>
    Block,

    /// <summary>Nothing is refused; crossing the threshold and the limit raise alerts.</summary>
    AlertOnly,
}

/// <summary>
/// A spending limit on an organisation, a user or a key, optionally narrowed to one provider or a
/// model pattern. Several may apply to one request; every one must admit it.
/// </summary>
/// <param name="ScopeId">The organisation, user or key id the budget limits.</param>
/// <param name="LimitUsd">The most that may be spent per period, in US dollars.</param>
/// <param name="AlertAtPercent">Crossing this share of any limit raises an alert (and calls the webhook) once per period.</param>
public sealed record Budget(
    string Id, string OrgId, BudgetScopeKind ScopeKind, string ScopeId, string? Provider, string? ModelPattern,
    decimal LimitUsd, long? MaxTokens, long? MaxRequests, BudgetPeriod Period, int? AlertAtPercent, string? WebhookUrl, BudgetMode Mode, string Name)
{
    /// <summary>The limits as one quantity; a cap not set is out of reach.</summary>
    public Spend Limit => new(LimitUsd, MaxTokens ?? long.MaxValue / 4, MaxRequests ?? long.MaxValue / 4);

    /// <summary>Whether a request by <paramref name="principal"/> to <paramref name="provider"/>'s <paramref name="model"/> counts against this budget.</summary>
    public bool AppliesTo(Principal principal, string provider, string model)
    {
        var scoped = ScopeKind switch
        {
            BudgetScopeKind.Organization => principal.OrgId == ScopeId,
            BudgetScopeKind.User => principal.UserId == ScopeId,
            BudgetScopeKind.Key => principal.KeyId == ScopeId,
        };
        return scoped
            && (Provider is null || string.Equals(Provider, provider, StringComparison.OrdinalIgnoreCase))
            && (ModelPattern is null || Tenancy.ModelPattern.Matches(ModelPattern, model) || Tenancy.ModelPattern.Matches(ModelPattern, provider + ":" + model));
    }
}

/// <summary>Money, tokens and requests together: what a budget counts, what a hold reserves, what a lease grants.</summary>
public readonly record struct Spend(decimal Usd, long Tokens, long Requests)
{
    public static Spend Zero => default;

    public static Spend operator +(Spend a, Spend b) => new(a.Usd + b.Usd, a.Tokens + b.Tokens, a.Requests + b.Requests);

    public static Spend operator -(Spend a, Spend b) => new(a.Usd - b.Usd, a.Tokens - b.Tokens, a.Requests - b.Requests);

    /// <summary>True when every quantity of <paramref name="need"/> fits in this one.</summary>
    public bool Covers(Spend need) => Usd >= need.Usd && Tokens >= need.Tokens && Requests >= need.Requests;

    public Spend AtLeastZero => new(Math.Max(0, Usd), Math.Max(0, Tokens), Math.Max(0, Requests));

    public static Spend Min(Spend a, Spend b) => new(Math.Min(a.Usd, b.Usd), Math.Min(a.Tokens, b.Tokens), Math.Min(a.Requests, b.Requests));
}

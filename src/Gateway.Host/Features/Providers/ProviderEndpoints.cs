using Gateway.Domain.Tenancy;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Auth;
using Gateway.Host.Http;

namespace Gateway.Host.Features.Providers;

/// <summary>
/// <c>/v1/providers</c> (platform admin): each provider instance and the live state of its key pool
/// on this instance, so a key that was disabled, or is cooling down, shows why. Keys appear by label
/// and last four characters, never whole.
/// </summary>
internal static class ProviderEndpoints
{
    /// <param name="LimitsTable">The shipped table of published limits its keys use unless they name another.</param>
    /// <param name="Capabilities">What it serves: chat, embeddings, moderations, count_tokens.</param>
    internal sealed record ProviderSummary(
        string Name, ProviderKind Type, string BaseUrl, SelectionStrategy Strategy, IReadOnlyList<string> Models, int Keys, int KeysAvailable,
        string? LimitsTable, IReadOnlyList<string> Capabilities);

    /// <param name="State">active, cooling_down (some quota group) or disabled.</param>
    /// <param name="Quotas">Per model or quota group: this instance's counters, the limits in force and any cooldown.</param>
    internal sealed record KeyStatusResponse(
        string Id, string Label, string LastFour, string? Project, int Priority, string State, string? DisabledReason, string? LastError,
        int InFlight, long TotalRequests, long Failures, int ConsecutiveFailures, DateTimeOffset? LastUsedAt,
        IReadOnlyDictionary<string, PoolQuotaStatus> Quotas, string? LimitsTable);

    internal sealed record ProviderDetail(ProviderSummary Provider, IReadOnlyList<KeyStatusResponse> Keys);

    public static void MapProviders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/providers").WithTags("Providers");
        group.MapGet("", (HttpContext context, ProviderRegistry registry, TimeProvider time) =>
                Denied(context) ?? TypedResults.Ok(registry.InOrder.Select(p => Summary(p, time.GetUtcNow())).ToList()))
            .WithName("listProviders").WithSummary("Provider instances and how many of their keys can serve now (platform admin)")
            .Produces<List<ProviderSummary>>().WithManagementProblems();
        group.MapGet("/{name}", (string name, HttpContext context, ProviderRegistry registry, TimeProvider time) =>
            {
                if (Denied(context) is { } denied)
                    return denied;
                if (!registry.Providers.TryGetValue(name, out var provider))
                    return Problems.NotFound("provider");
                var now = time.GetUtcNow();
                return TypedResults.Ok(new ProviderDetail(Summary(provider, now), [.. provider.Pool.Status(now).Select(s => Key(provider, s))]));
            })
            .WithName("getProvider").WithSummary("One provider instance with the live state of each key: counters, cooldowns, disabled reason (platform admin)")
            .Produces<ProviderDetail>().WithManagementProblems();
    }

    private static IResult? Denied(HttpContext context) =>
        Problems.Deny(Access.Operate(context.Principal(), null), "provider", "see provider keys");

    private static ProviderSummary Summary(Provider provider, DateTimeOffset now) => Summary(provider, provider.Pool.Status(now).Count(s => State(s) == "active"));

    public static ProviderSummary Summary(Provider provider, int keysAvailable) => new(
        provider.Name, provider.Kind, provider.BaseUrl.ToString(), provider.Pool.Options.Strategy, provider.AllModels, provider.Keys.Count,
        keysAvailable, provider.LimitsTable?.Name, CapabilityNames.List(provider.Capabilities));

    private static KeyStatusResponse Key(Provider provider, PoolKeyStatus status)
    {
        var key = provider.Keys[status.KeyId];
        return new KeyStatusResponse(
            key.Id, key.Label, key.LastFour, status.Scope.StartsWith("project:", StringComparison.Ordinal) ? status.Scope["project:".Length..] : null,
            status.Priority, State(status), status.DisabledReason, status.LastError, status.InFlight, status.TotalRequests, status.Failures,
            status.ConsecutiveFailures, status.LastUsedAt, status.Quotas, status.LimitsTable);
    }

    private static string State(PoolKeyStatus status) =>
        status.DisabledReason is not null ? "disabled" : status.Quotas.Values.Any(q => q.CooldownUntil is not null) ? "cooling_down" : "active";
}

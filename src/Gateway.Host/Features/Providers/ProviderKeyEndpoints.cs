using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Http;
using Gateway.Host.Persistence.EventStore;
using static Gateway.Host.Features.Providers.ProviderKeyEvents;

namespace Gateway.Host.Features.Providers;

/// <summary>
/// <c>/v1/provider-keys</c> (platform admin): upstream keys added, imported, disabled, enabled and removed
/// at run time, on every instance. Keys are stored sealed (AES-256-GCM) and never returned.
/// </summary>
internal static class ProviderKeyEndpoints
{
    /// <param name="Key">The upstream secret. Accepted once, stored sealed, never shown again.</param>
    /// <param name="Project">Google Cloud project: keys of one project share its quota.</param>
    /// <param name="Priority">Lower tiers are used first (paid keys before free ones).</param>
    /// <param name="LimitsTable">This key's shipped published limits (gemini-free, groq-free, or none for a paid key); default: the provider's.</param>
    internal sealed record AddRequest(
        string? Provider, string? Key, string? Label, string? Project, int? Priority, double? Weight, int? MaxConcurrency, int? Rpm, int? Rpd, int? Tpm,
        string? LimitsTable)
    {
        public static AddRequest Example { get; } = new("gemini", "AIza…", "free key 7", "proj-a", 1, null, 3, 10, 250, null, "gemini-free");
    }

    /// <param name="Keys">Many secrets at once, all with the same settings; duplicates are skipped, not refused.</param>
    internal sealed record ImportRequest(string? Provider, List<string>? Keys, string? Project, int? Priority, string? LimitsTable)
    {
        public static ImportRequest Example { get; } = new("gemini", ["AIza…1", "AIza…2"], "proj-b", 1, "gemini-free");
    }

    internal sealed record DisableRequest(string? Reason)
    {
        public static DisableRequest Example { get; } = new("billing account closed");
    }

    /// <param name="LastFour">The secret's last four characters, shown only for secrets of 16 or more.</param>
    internal sealed record KeyResponse(string Id, string Provider, string Label, string LastFour, string? Project, int Priority);

    /// <param name="Duplicates">How many of the given keys were already in a pool.</param>
    internal sealed record ImportResponse(IReadOnlyList<KeyResponse> Added, int Duplicates);

    public static void MapProviderKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/provider-keys").WithTags("Providers");
        group.MapPost("", AddAsync).WithName("addProviderKey").WithSummary("Add an upstream key to a provider's pool (platform admin)")
            .Accepts<AddRequest>("application/json").Produces<KeyResponse>(StatusCodes.Status201Created).WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/import", ImportAsync).WithName("importProviderKeys").WithSummary("Add many upstream keys at once, skipping duplicates (platform admin)")
            .Accepts<ImportRequest>("application/json").Produces<ImportResponse>().WithManagementProblems();
        group.MapPost("/{id}/disable", DisableAsync).WithName("disableProviderKey").WithSummary("Take a key out of rotation with a reason, on every instance")
            .Accepts<DisableRequest>("application/json").Produces(StatusCodes.Status204NoContent).WithManagementProblems();
        group.MapPost("/{id}/enable", (string id, HttpContext c, ProviderRegistry r, EventStore s, ProviderKeyStore k, CancellationToken ct) =>
                ChangeAsync(id, c, r, s, k, Enabled, new KeyEnabled(id), ct))
            .WithName("enableProviderKey").WithSummary("Put a disabled key (by an operator or by an upstream 401/403) back in rotation")
            .Produces(StatusCodes.Status204NoContent).WithManagementProblems();
        group.MapDelete("/{id}", RemoveAsync).WithName("removeProviderKey").WithSummary("Remove a key added at run time (keys of the config file are removed there)")
            .Produces(StatusCodes.Status204NoContent).WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> AddAsync(HttpContext context, ProviderRegistry registry, SecretBox box, KeySecrets secrets, EventStore store, ProviderKeyStore keys, CancellationToken ct)
    {
        var (request, refused) = await ReadAsync<AddRequest>(context, ct);
        if (request is null)
            return refused!;
        var errors = Validate(registry, request.Provider, request.Key is null ? null : [request.Key], request.Priority, request.LimitsTable);
        TenancyRules.Name("label", request.Label, errors, required: false);
        TenancyRules.RateLimit("rpm", request.Rpm, errors);
        TenancyRules.RateLimit("rpd", request.Rpd, errors);
        TenancyRules.RateLimit("tpm", request.Tpm, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var added = await AddOneAsync(context, registry, box, secrets, store, keys, request with { Key = request.Key!.Trim() }, ct);
        return added is null
            ? Problems.Conflict("this key is already in a provider's pool")
            : TypedResults.Created($"/v1/providers/{added.Provider}", added);
    }

    private static async Task<IResult> ImportAsync(HttpContext context, ProviderRegistry registry, SecretBox box, KeySecrets secrets, EventStore store, ProviderKeyStore keys, CancellationToken ct)
    {
        var (request, refused) = await ReadAsync<ImportRequest>(context, ct);
        if (request is null)
            return refused!;
        var errors = Validate(registry, request.Provider, request.Keys, request.Priority, request.LimitsTable);
        if (request.Keys is { Count: > 1000 })
            errors.Add("keys", "must hold at most 1000 keys per import");
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var added = new List<KeyResponse>();
        foreach (var (secret, i) in request.Keys!.Select(k => k.Trim()).Distinct().Select((k, i) => (k, i)))
        {
            var one = new AddRequest(request.Provider, secret, $"imported {i + 1}", request.Project, request.Priority, null, null, null, null, null, request.LimitsTable);
            if (await AddOneAsync(context, registry, box, secrets, store, keys, one, ct) is { } key)
                added.Add(key);
        }

        return TypedResults.Ok(new ImportResponse(added, request.Keys!.Count - added.Count));
    }

    private static async Task<KeyResponse?> AddOneAsync(
        HttpContext context, ProviderRegistry registry, SecretBox box, KeySecrets secrets, EventStore store, ProviderKeyStore keys, AddRequest request, CancellationToken ct)
    {
        var id = ProviderRegistry.KeyId(secrets, request.Key!);
        if (registry.ProviderOf(id) is not null)
            return null;
        var lastFour = ProviderRegistry.LastFour(request.Key!);
        var label = request.Label?.Trim() ?? $"key …{lastFour}";
        var e = new KeyAdded(id, request.Provider!, label, lastFour, box.Seal(request.Key!), request.Project, request.Priority ?? 0, request.Weight ?? 1,
            request.MaxConcurrency, request.Rpm, request.Rpd, request.Tpm, request.LimitsTable);
        await store.AppendAsync(id, StreamType, ExpectedVersion.Any, [NewEvent.Create(Added, e, Metadata(context))], ct);
        await keys.ApplyAsync(id, ct);
        return new KeyResponse(id, request.Provider!, label, lastFour, request.Project, request.Priority ?? 0);
    }

    private static async Task<IResult> DisableAsync(string id, HttpContext context, ProviderRegistry registry, EventStore store, ProviderKeyStore keys, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(context.Request, new DisableRequest(null), ct);
        if (!body.IsValid)
            return body.Refusal;
        return await ChangeAsync(id, context, registry, store, keys, Disabled, new KeyDisabled(id, body.Value!.Reason ?? "disabled by an operator"), ct);
    }

    private static async Task<IResult> RemoveAsync(string id, HttpContext context, ProviderRegistry registry, EventStore store, ProviderKeyStore keys, CancellationToken ct)
    {
        if (Denied(context) is null && registry.ProviderOf(id) is { } provider && provider.ConfiguredKeys.Contains(id))
            return Problems.Conflict("this key is declared in the config file; remove it there");
        return await ChangeAsync(id, context, registry, store, keys, Removed, new KeyRemoved(id), ct);
    }

    private static async Task<IResult> ChangeAsync(
        string id, HttpContext context, ProviderRegistry registry, EventStore store, ProviderKeyStore keys, string type, object change, CancellationToken ct)
    {
        if (Denied(context) is { } denied)
            return denied;
        if (registry.ProviderOf(id) is null)
            return Problems.NotFound("provider key");
        await store.AppendAsync(id, StreamType, ExpectedVersion.Any, [NewEvent.Create(type, change, Metadata(context))], ct);
        await keys.ApplyAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static FieldErrors Validate(ProviderRegistry registry, string? provider, List<string>? secrets, int? priority, string? limitsTable)
    {
        var errors = new FieldErrors();
        if (provider is null)
            errors.Add("provider", "is required");
        else if (!registry.Providers.ContainsKey(provider))
            errors.Add("provider", $"is not a provider of the configuration ({string.Join(", ", registry.Providers.Keys)})");
        if (secrets is null || secrets.Count == 0 || secrets.Any(string.IsNullOrWhiteSpace))
            errors.Add(secrets is null ? "key" : "keys", "must be a non-empty secret");
        if (priority is < 0 or > 100)
            errors.Add("priority", "must be between 0 and 100");
        if (!Gateway.Domain.Upstreams.KnownLimits.TryFind(limitsTable, out _))
            errors.Add("limits_table", $"must be one of {ProviderRegistry.TableNames}");
        return errors;
    }

    /// <summary>The platform admin's request body, or the refusal to answer with.</summary>
    private static async Task<(T? Request, IResult? Refusal)> ReadAsync<T>(HttpContext context, CancellationToken ct) where T : class
    {
        if (Denied(context) is { } denied)
            return (null, denied);
        var body = await RequestBody.ReadAsync<T>(context.Request, ct);
        return body.IsValid ? (body.Value, null) : (null, body.Refusal);
    }

    private static IResult? Denied(HttpContext context) =>
        Problems.Deny(Access.Operate(context.Principal(), null), "provider key", "manage provider keys");

    private static EventMetadata Metadata(HttpContext context) => new(null, context.Principal().Actor, context.TraceIdentifier);
}

using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Hosting;
using Gateway.Host.Http;
using Gateway.Host.Persistence.EventStore;
using static Gateway.Host.Features.Providers.ProviderEvents;

namespace Gateway.Host.Features.Providers;

/// <summary>
/// <c>PUT</c> and <c>DELETE /v1/providers/{name}</c> (platform admin): provider instances declared at run
/// time, on every instance and after restarts. Providers of the config file are changed in the file.
/// </summary>
internal static class ProviderDeclarationEndpoints
{
    public static void MapProviderDeclarations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/providers").WithTags("Providers");
        group.MapPut("/{name}", PutAsync).WithName("putProvider")
            .WithSummary("Declare or replace a provider at run time; add its keys with /v1/provider-keys (platform admin)")
            .Accepts<ProviderSpecRequest>("application/json").Produces<ProviderEndpoints.ProviderSummary>()
            .WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{name}", DeleteAsync).WithName("removeProvider")
            .WithSummary("Remove a provider declared at run time (platform admin)")
            .Produces(StatusCodes.Status204NoContent).WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <param name="Type">openai, anthropic or gemini.</param>
    /// <param name="LimitsTable">Shipped published limits for the keys (gemini-free, groq-free or none).</param>
    /// <param name="ModelLimits">Limits per model or quota group, over the keys' own and the table's.</param>
    /// <param name="StructuredOutputs">Anthropic providers only: native (the default, Anthropic's structured outputs) or prompt (a system instruction).</param>
    /// <param name="TimeoutSeconds">How long an answer may take: until its headers for a stream, until its last byte otherwise (default 300).</param>
    /// <param name="StreamIdleTimeoutSeconds">How long a stream may go without a byte from the upstream before the gateway ends it (default 60).</param>
    /// <param name="Capabilities">What it serves, of chat, embeddings, moderations and count_tokens; default: all its type's API has. Requests needing another go elsewhere or get 501.</param>
    internal sealed record ProviderSpecRequest(
        string? Type, string? BaseUrl, string? Strategy, List<string>? Models, Dictionary<string, string>? Headers, int? TimeoutSeconds, int? MaxAttempts,
        bool? DiscoverModels, Dictionary<string, List<string>>? QuotaGroups, string? LimitsTable, Dictionary<string, LimitsConfig>? ModelLimits,
        string? StructuredOutputs = null, int? StreamIdleTimeoutSeconds = null, List<string>? Capabilities = null)
    {
        public static ProviderSpecRequest Example { get; } = new(
            "openai", "https://api.groq.com/openai/v1", "least_used", ["llama-3.1-8b-instant"], null, 60, null, false, null, "groq-free", null,
            StreamIdleTimeoutSeconds: 30, Capabilities: ["chat"]);
    }

    private static async Task<IResult> PutAsync(
        string name, HttpContext context, ProviderRegistry registry, KeySecrets secrets, EventStore store, ProviderStore providers, CancellationToken ct)
    {
        if (Denied(context) is { } denied)
            return denied;
        if (registry.Configured.Contains(name))
            return Problems.Conflict($"provider '{name}' is declared in the config file; change it there");
        var body = await RequestBody.ReadAsync<ProviderSpecRequest>(context.Request, ct);
        if (!body.IsValid)
            return body.Refusal;
        var request = body.Value!;
        if (request.Type is null)
            return Problems.Validation(new FieldErrors { { "type", "is required: openai, anthropic or gemini" } });
        var spec = new ProviderSpec(request.Type, request.BaseUrl, request.Strategy, request.Models, request.Headers, request.TimeoutSeconds, request.MaxAttempts,
            request.DiscoverModels, request.QuotaGroups, request.LimitsTable, request.ModelLimits, request.StructuredOutputs, request.StreamIdleTimeoutSeconds,
            request.Capabilities);
        try
        {
            // Built once here only to check it: the registry builds its own when the event applies.
            ProviderRegistry.Build(spec.ToConfig(name), secrets);
        }
        catch (SettingsException e)
        {
            return Problems.Validation(new FieldErrors { { "body", e.Message } });
        }

        await store.AppendAsync(StreamId(name), StreamType, ExpectedVersion.Any,
            [NewEvent.Create(Declared, new ProviderDeclared(name, spec), new EventMetadata(null, context.Principal().Actor, context.TraceIdentifier))], ct);
        await providers.ApplyAsync(name, ct);
        var provider = registry.Providers[name];
        return TypedResults.Ok(ProviderEndpoints.Summary(provider, provider.Keys.Count));
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context, ProviderRegistry registry, EventStore store, ProviderStore providers, CancellationToken ct)
    {
        if (Denied(context) is { } denied)
            return denied;
        if (registry.Configured.Contains(name))
            return Problems.Conflict($"provider '{name}' is declared in the config file; remove it there");
        if (!registry.Providers.ContainsKey(name))
            return Problems.NotFound("provider");
        await store.AppendAsync(StreamId(name), StreamType, ExpectedVersion.Any,
            [NewEvent.Create(Removed, new ProviderRemoved(name), new EventMetadata(null, context.Principal().Actor, context.TraceIdentifier))], ct);
        await providers.ApplyAsync(name, ct);
        return TypedResults.NoContent();
    }

    private static IResult? Denied(HttpContext context) =>
        Problems.Deny(Access.Operate(context.Principal(), null), "provider", "declare providers");
}

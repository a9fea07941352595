namespace Gateway.Host.Features.Providers;

/// <summary>Run-time provider instances; one stream per provider, named <c>provider:{name}</c>.</summary>
internal static class ProviderEvents
{
    public const string Declared = "provider.declared";
    public const string Removed = "provider.removed";
    public const string StreamType = "provider";

    public static string StreamId(string name) => "provider:" + name.ToLowerInvariant();

    /// <param name="Spec">The provider's settings, shaped as in the config file (no keys).</param>
    internal sealed record ProviderDeclared(string Name, ProviderSpec Spec);

    internal sealed record ProviderRemoved(string Name);
}

/// <summary>A provider's settings as the API takes them: the config file's fields, without keys.</summary>
internal sealed record ProviderSpec(
    string Type, string? BaseUrl, string? Strategy, List<string>? Models, Dictionary<string, string>? Headers, int? TimeoutSeconds, int? MaxAttempts,
    bool? DiscoverModels, Dictionary<string, List<string>>? QuotaGroups, string? LimitsTable = null, Dictionary<string, LimitsConfig>? ModelLimits = null,
    string? StructuredOutputs = null, int? StreamIdleTimeoutSeconds = null, List<string>? Capabilities = null)
{
    public ProviderConfig ToConfig(string name) => new()
    {
        Name = name,
        Type = Type,
        BaseUrl = BaseUrl,
        Strategy = Strategy ?? "least_used",
        Models = Models ?? [],
        Headers = Headers ?? [],
        TimeoutSeconds = TimeoutSeconds ?? ProviderConfig.DefaultTimeoutSeconds,
        StreamIdleTimeoutSeconds = StreamIdleTimeoutSeconds ?? ProviderConfig.DefaultStreamIdleTimeoutSeconds,
        MaxAttempts = MaxAttempts ?? 8,
        DiscoverModels = DiscoverModels,
        QuotaGroups = QuotaGroups ?? [],
        LimitsTable = LimitsTable,
        ModelLimits = ModelLimits ?? [],
        StructuredOutputs = StructuredOutputs,
        Capabilities = Capabilities,
    };
}

using System.Collections.Concurrent;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Upstreams;
using Gateway.Domain.Upstreams.Sharing;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Providers.Protocols;
using Gateway.Host.Hosting;

namespace Gateway.Host.Features.Providers;

/// <summary>
/// The provider instances declared under <c>providers:</c> and the model aliases under <c>aliases:</c>,
/// checked once at start: a mistake stops the gateway with a line naming the field.
/// </summary>
internal sealed class ProviderRegistry
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _aliases;

    private readonly ConcurrentDictionary<string, Provider> _providers;
    private readonly List<string> _configOrder;

    private ProviderRegistry(Dictionary<string, Provider> providers, IReadOnlyDictionary<string, IReadOnlyList<string>> aliases)
    {
        _providers = new ConcurrentDictionary<string, Provider>(providers, StringComparer.OrdinalIgnoreCase);
        Configured = providers.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        _configOrder = [.. providers.Keys];
        _aliases = aliases;
        Router = BuildRouter();
    }

    public IReadOnlyDictionary<string, Provider> Providers => _providers;

    /// <summary>For stable listings: the config file's providers in its order, then run-time ones by name.</summary>
    public IEnumerable<Provider> InOrder =>
        _configOrder.Select(n => _providers.GetValueOrDefault(n)).OfType<Provider>()
            .Concat(_providers.Values.Where(p => !Configured.Contains(p.Name)).OrderBy(p => p.Name, StringComparer.Ordinal));

    /// <summary>Providers of the config file: the API may neither replace nor remove them.</summary>
    public IReadOnlySet<string> Configured { get; }

    /// <summary>Adds or replaces a provider declared at run time; its keys are (re)loaded by the caller.</summary>
    public void Put(Provider provider)
    {
        _providers[provider.Name] = provider;
        Router = BuildRouter();
    }

    public void Remove(string name)
    {
        _providers.TryRemove(name, out _);
        Router = BuildRouter();
    }

    /// <summary>Checks and builds one provider from its settings, as at start (errors name the field).</summary>
    /// <param name="shares">This instance's shares of the windows its keys' limits share with other instances; null: counted here alone.</param>
    public static Provider Build(ProviderConfig config, KeySecrets secrets, QuotaShares? shares = null) => Build(config, config.Name, secrets, shares);

    /// <summary>Rebuilt when discovery changes what a provider serves; readers take the current one.</summary>
    public ModelRouter Router { get; private set; }

    /// <summary>Records what a provider's keys listed and routes bare model names to it from now on.</summary>
    public void Discovered(Provider provider, IReadOnlySet<string> models)
    {
        provider.Discovered = models;
        Router = BuildRouter();
    }

    private ModelRouter BuildRouter() => new([.. InOrder.Select(p => new RoutableProvider(p.Name, p.AllModels))], _aliases);

    public static ProviderRegistry FromConfiguration(IConfiguration configuration, KeySecrets secrets, QuotaShares? shares = null)
    {
        var declared = configuration.GetSection("providers").Get<List<ProviderConfig>>() ?? [];
        var providers = new Dictionary<string, Provider>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < declared.Count; i++)
        {
            var provider = Build(declared[i], $"providers[{i}]", secrets, shares);
            if (!providers.TryAdd(provider.Name, provider))
                throw new SettingsException($"providers[{i}].name '{provider.Name}' is declared twice");
        }

        var aliases = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var alias in configuration.GetSection("aliases").GetChildren())
        {
            aliases[alias.Key] = alias.Value is { } single
                ? [single]
                : [.. alias.GetChildren().Select(c => c.Value).OfType<string>()];
        }

        return new ProviderRegistry(providers, aliases);
    }

    private static Provider Build(ProviderConfig config, string at, KeySecrets secrets, QuotaShares? shares)
    {
        if (string.IsNullOrWhiteSpace(config.Name) || config.Name.Any(c => c is ':' or '/' || char.IsWhiteSpace(c)))
            throw new SettingsException($"{at}.name is required and may not contain ':', '/' or spaces");
        var mock = config.Type.Equals("mock", StringComparison.OrdinalIgnoreCase);
        var kind = mock ? ProviderKind.OpenAI : KindOf(config.Type, at);
        var protocol = UpstreamProtocols.For(kind);
        var baseUrl = mock ? Provider.MockBaseUrl : protocol.DefaultBaseUrl;
        if (mock && config.Keys.Count == 0)
            config.Keys.Add(new KeyConfig { Key = "mock-key", Label = "mock" });
        if (!mock && config.BaseUrl is not null && (!Uri.TryCreate(config.BaseUrl, UriKind.Absolute, out baseUrl!) || baseUrl.Scheme is not ("http" or "https")))
            throw new SettingsException($"{at}.base_url '{config.BaseUrl}' is not an http(s) URL");
        if (!Enum.TryParse<SelectionStrategy>(config.Strategy.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var strategy))
            throw new SettingsException($"{at}.strategy must be least_used, round_robin, lowest_requests_today, weighted_by_remaining, sticky or sequential");
        if (config.TimeoutSeconds is < 1 or > 3600)
            throw new SettingsException($"{at}.timeout_seconds must be between 1 and 3600");
        if (config.StreamIdleTimeoutSeconds is < 1 or > 3600)
            throw new SettingsException($"{at}.stream_idle_timeout_seconds must be between 1 and 3600");
        if (config.MaxAttempts is < 1 or > 50)
            throw new SettingsException($"{at}.max_attempts must be between 1 and 50");
        if (config.DiscoveryIntervalMinutes is < 1 or > 10080)
            throw new SettingsException($"{at}.discovery_interval_minutes must be between 1 and 10080 (a week)");
        var structuredOutputs = StructuredOutputsOf(config, kind, at);
        var capabilities = CapabilitiesOf(config, protocol, baseUrl, at);

        foreach (var (model, limits) in config.ModelLimits)
            CheckLimits($"{at}.model_limits.{model}", limits.Rpm, limits.Rpd, limits.Tpm);
        if (!KnownLimits.TryFind(config.LimitsTable, out var table))
            throw new SettingsException($"{at}.limits_table '{config.LimitsTable}' is not a shipped table ({TableNames})");

        var options = new PoolOptions(
            strategy,
            config.QuotaGroups.SelectMany(g => g.Value.Select(m => (Model: m, Group: g.Key))).ToDictionary(x => x.Model, x => x.Group),
            config.ModelLimits.ToDictionary(l => l.Key, l => new QuotaLimits(l.Value.Rpm, l.Value.Rpd, l.Value.Tpm)),
            config.ConcurrencyMultipliers.ToDictionary(m => int.Parse(m.Key, System.Globalization.CultureInfo.InvariantCulture), m => m.Value));
        var pool = new KeyPool(protocol.QuotaZone, options, shared: shares is null ? null : new SharedWindows(config.Name, shares));
        var keys = new ConcurrentDictionary<string, UpstreamKey>();
        for (var k = 0; k < config.Keys.Count; k++)
        {
            var key = config.Keys[k];
            if (string.IsNullOrWhiteSpace(key.Key))
                throw new SettingsException($"{at}.keys[{k}].key is empty (is its ${{VARIABLE}} set?)");
            var id = KeyId(secrets, key.Key);
            // The same secret listed twice would double its share of the pool without adding quota.
            if (keys.ContainsKey(id))
                continue;
            CheckLimits($"{at}.keys[{k}]", key.Rpm, key.Rpd, key.Tpm);
            if (!KnownLimits.TryFind(key.LimitsTable, out _))
                throw new SettingsException($"{at}.keys[{k}].limits_table '{key.LimitsTable}' is not a shipped table ({TableNames})");
            var secret = key.Key.Trim();
            keys[id] = new UpstreamKey(id, secret, key.Label ?? $"key {k + 1}", LastFour(secret));
            pool.Add(new PoolKey(id, key.Project, key.Priority, key.Weight, key.MaxConcurrency, new QuotaLimits(key.Rpm, key.Rpd, key.Tpm),
                KnownLimits.ForKey(key.LimitsTable, table)));
        }

        return new Provider(
            config.Name, kind, baseUrl, config.Headers, TimeSpan.FromSeconds(config.TimeoutSeconds), TimeSpan.FromSeconds(config.StreamIdleTimeoutSeconds), config.MaxAttempts,
            config.Models, pool, keys, keys.Keys.ToHashSet(), capabilities, table,
            !mock && (config.DiscoverModels ?? config.Models.Count == 0) ? TimeSpan.FromMinutes(config.DiscoveryIntervalMinutes) : null, structuredOutputs, mock);
    }

    /// <summary>A provider type names its kind (openai, anthropic, gemini; the mock is OpenAI-compatible), in any case.</summary>
    private static ProviderKind KindOf(string type, string at) =>
        Enum.GetValues<ProviderKind>().Cast<ProviderKind?>().FirstOrDefault(k => k.ToString()!.Equals(type, StringComparison.OrdinalIgnoreCase))
        ?? throw new SettingsException($"{at}.type must be {TypeNames}, not '{type}'");

    /// <summary>The names <c>type</c> accepts, for error messages.</summary>
    public static string TypeNames => string.Join(", ", Enum.GetNames<ProviderKind>().Select(n => n.ToLowerInvariant())) + " or mock";

    /// <summary>Only an Anthropic upstream has a choice to make: elsewhere the setting would silently mean nothing.</summary>
    private static StructuredOutputs StructuredOutputsOf(ProviderConfig config, ProviderKind kind, string at)
    {
        if (config.StructuredOutputs is null)
            return StructuredOutputs.Native;
        if (kind != ProviderKind.Anthropic)
            throw new SettingsException($"{at}.structured_outputs applies only to anthropic providers");
        return config.StructuredOutputs.ToLowerInvariant() switch
        {
            "native" => StructuredOutputs.Native,
            "prompt" => StructuredOutputs.Prompt,
            _ => throw new SettingsException($"{at}.structured_outputs must be native or prompt, not '{config.StructuredOutputs}'"),
        };
    }

    /// <summary>What the protocol serves, or the part of it the config names: a capability its API lacks would route requests nowhere.</summary>
    private static Capability CapabilitiesOf(ProviderConfig config, IUpstreamProtocol protocol, Uri baseUrl, string at)
    {
        if (config.Capabilities is not { Count: > 0 } names)
            return protocol.DefaultCapabilities(baseUrl);
        var capabilities = Capability.None;
        foreach (var name in names)
        {
            if (CapabilityNames.Parse(name) is not { } capability)
                throw new SettingsException($"{at}.capabilities: '{name}' is not a capability ({CapabilityNames.All})");
            if (!protocol.Capabilities.HasFlag(capability))
            {
                throw new SettingsException(
                    $"{at}.capabilities: {config.Type.ToLowerInvariant()} providers cannot serve {name} (they can serve {CapabilityNames.Describe(protocol.Capabilities)})");
            }

            capabilities |= capability;
        }

        return capabilities;
    }

    private static void CheckLimits(string at, int? rpm, int? rpd, int? tpm)
    {
        foreach (var (name, value) in new[] { ("rpm", rpm), ("rpd", rpd), ("tpm", tpm) })
        {
            if (value is < 1)
                throw new SettingsException($"{at}.{name} must be at least 1 (leave it out for no limit)");
        }
    }

    /// <summary>The names <c>limits_table</c> accepts, for error messages.</summary>
    public static string TableNames => string.Join(", ", KnownLimits.All.Select(t => t.Name).Append(KnownLimits.None));

    /// <summary>Derived from a keyed hash of the secret: stable across restarts, the same for duplicates, revealing nothing.</summary>
    public static string KeyId(KeySecrets secrets, string secret) => "pk_" + Convert.ToHexStringLower(secrets.Hash(secret.Trim()))[..16];

    /// <summary>The last four characters identify a key only when they are a small part of it.</summary>
    public static string LastFour(string secret) => secret.Length >= 16 ? secret[^4..] : "";

    /// <summary>The provider holding a key, whichever way it was added.</summary>
    public Provider? ProviderOf(string keyId) => Providers.Values.FirstOrDefault(p => p.Keys.ContainsKey(keyId));
}

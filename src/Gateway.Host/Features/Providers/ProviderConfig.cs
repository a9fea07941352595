namespace Gateway.Host.Features.Providers;

/// <summary>One provider instance as declared under <c>providers:</c> in the YAML config.</summary>
internal sealed class ProviderConfig
{
    public string Name { get; set; } = "";

    /// <summary>openai (any OpenAI-compatible API), anthropic, gemini, or mock (answers in-process, for trying the gateway without a provider account).</summary>
    public string Type { get; set; } = "";

    [ConfigurationKeyName("base_url")]
    public string? BaseUrl { get; set; }

    /// <summary>Extra headers sent upstream with every request (OpenRouter's HTTP-Referer, ...).</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    public const int DefaultTimeoutSeconds = 300;

    public const int DefaultStreamIdleTimeoutSeconds = 60;

    /// <summary>How long an answer may take: until its headers for a stream, until its last byte otherwise.</summary>
    [ConfigurationKeyName("timeout_seconds")]
    public int TimeoutSeconds { get; set; } = DefaultTimeoutSeconds;

    /// <summary>How long a stream may go without a byte from the upstream, once it began, before the gateway ends it.</summary>
    [ConfigurationKeyName("stream_idle_timeout_seconds")]
    public int StreamIdleTimeoutSeconds { get; set; } = DefaultStreamIdleTimeoutSeconds;

    /// <summary>least_used, round_robin, lowest_requests_today, weighted_by_remaining, sticky or sequential.</summary>
    public string Strategy { get; set; } = "least_used";

    /// <summary>Models this instance serves; empty: whatever it is asked for by provider:model.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Groups of models that share one quota: group name to its models.</summary>
    [ConfigurationKeyName("quota_groups")]
    public Dictionary<string, List<string>> QuotaGroups { get; set; } = [];

    /// <summary>Limits per model or quota group, overriding each key's own.</summary>
    [ConfigurationKeyName("model_limits")]
    public Dictionary<string, LimitsConfig> ModelLimits { get; set; } = [];

    /// <summary>
    /// A shipped table of published per-model limits applied to every key that names no other
    /// (gemini-free, groq-free, or none); model_limits and a key's own limits override it field by field.
    /// </summary>
    [ConfigurationKeyName("limits_table")]
    public string? LimitsTable { get; set; }

    /// <summary>Per priority tier, the multiplier of max_concurrency.</summary>
    [ConfigurationKeyName("concurrency_multipliers")]
    public Dictionary<string, double> ConcurrencyMultipliers { get; set; } = [];

    /// <summary>Ask each key's upstream for its model list, at start and every discovery_interval_minutes. Default: when models is empty.</summary>
    [ConfigurationKeyName("discover_models")]
    public bool? DiscoverModels { get; set; }

    [ConfigurationKeyName("discovery_interval_minutes")]
    public int DiscoveryIntervalMinutes { get; set; } = 360;

    [ConfigurationKeyName("max_attempts")]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// Anthropic providers only: how a client's JSON schema is asked for. native (the default): Anthropic's structured
    /// outputs; prompt: a system instruction, for Anthropic-compatible servers that lack them.
    /// </summary>
    [ConfigurationKeyName("structured_outputs")]
    public string? StructuredOutputs { get; set; }

    /// <summary>What the instance serves (chat, embeddings, moderations, count_tokens); default: all its type's API has.</summary>
    public List<string>? Capabilities { get; set; }

    public List<KeyConfig> Keys { get; set; } = [];
}

internal sealed class KeyConfig
{
    /// <summary>The upstream secret, usually ${ENV_VAR}: it never leaves the process.</summary>
    public string Key { get; set; } = "";

    public string? Label { get; set; }

    /// <summary>Google Cloud project: its keys share one quota.</summary>
    public string? Project { get; set; }

    public int Priority { get; set; }

    public double Weight { get; set; } = 1;

    [ConfigurationKeyName("max_concurrency")]
    public int? MaxConcurrency { get; set; }

    public int? Rpm { get; set; }

    public int? Rpd { get; set; }

    public int? Tpm { get; set; }

    /// <summary>This key's table of published limits, over the provider's (none for a paid key among free ones).</summary>
    [ConfigurationKeyName("limits_table")]
    public string? LimitsTable { get; set; }
}

internal sealed class LimitsConfig
{
    public int? Rpm { get; set; }

    public int? Rpd { get; set; }

    public int? Tpm { get; set; }
}

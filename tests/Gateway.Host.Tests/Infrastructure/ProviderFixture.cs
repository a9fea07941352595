using System.Globalization;

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>
/// One provider as the config file declares it under <c>providers:</c>, written in code. Each method sets the
/// YAML field it is named after; <see cref="Flatten"/> writes them the way the config file's loader flattens
/// YAML (<c>providers:0:keys:1:label</c>), so the gateway reads exactly what the same YAML would give it.
/// </summary>
internal sealed class ProviderFixture
{
    private readonly List<(string Field, string Value)> _fields = [];
    private readonly List<string> _models = [];
    private readonly List<List<(string Field, string Value)>> _keys = [];

    internal ProviderFixture(string name, string type, Uri? baseUrl)
    {
        Name = name;
        Set("name", name);
        Set("type", type);
        if (baseUrl is not null)
            Set("base_url", baseUrl.ToString());
    }

    public string Name { get; }

    /// <summary><c>models:</c>, in order, added to those already given.</summary>
    public ProviderFixture Models(params string[] models)
    {
        _models.AddRange(models);
        return this;
    }

    /// <summary><c>strategy:</c> least_used, round_robin, lowest_requests_today, weighted_by_remaining, sticky or sequential.</summary>
    public ProviderFixture Strategy(string strategy) => Set("strategy", strategy);

    /// <summary>One entry of <c>keys:</c>; only the fields given are written.</summary>
    public ProviderFixture Key(
        string key, string? label = null, string? project = null, int? priority = null, double? weight = null, int? maxConcurrency = null,
        int? rpm = null, int? rpd = null, int? tpm = null, string? limitsTable = null)
    {
        var fields = new List<(string, string)> { ("key", key) };
        foreach (var (field, value) in new (string, object?)[]
                 {
                     ("label", label), ("project", project), ("priority", priority), ("weight", weight), ("max_concurrency", maxConcurrency),
                     ("rpm", rpm), ("rpd", rpd), ("tpm", tpm), ("limits_table", limitsTable),
                 })
        {
            if (value is not null)
                fields.Add((field, Text(value)));
        }

        _keys.Add(fields);
        return this;
    }

    /// <summary>Entries of <c>keys:</c> with nothing but their secret.</summary>
    public ProviderFixture Keys(params string[] keys)
    {
        foreach (var key in keys)
            Key(key);
        return this;
    }

    /// <summary>One group of <c>quota_groups:</c>: models that share one quota.</summary>
    public ProviderFixture QuotaGroup(string group, params string[] models)
    {
        for (var i = 0; i < models.Length; i++)
            Set($"quota_groups:{group}:{i}", models[i]);
        return this;
    }

    /// <summary>One entry of <c>model_limits:</c>, for a model or a quota group.</summary>
    public ProviderFixture ModelLimits(string modelOrGroup, int? rpm = null, int? rpd = null, int? tpm = null)
    {
        foreach (var (field, value) in new (string, int?)[] { ("rpm", rpm), ("rpd", rpd), ("tpm", tpm) })
        {
            if (value is not null)
                Set($"model_limits:{modelOrGroup}:{field}", Text(value));
        }

        return this;
    }

    /// <summary><c>limits_table:</c> gemini-free, groq-free or none.</summary>
    public ProviderFixture LimitsTable(string table) => Set("limits_table", table);

    /// <summary>One entry of <c>concurrency_multipliers:</c>: the multiplier of max_concurrency for a priority tier.</summary>
    public ProviderFixture ConcurrencyMultiplier(int priority, double multiplier) => Set($"concurrency_multipliers:{Text(priority)}", Text(multiplier));

    /// <summary><c>timeout_seconds:</c>, in whole seconds.</summary>
    public ProviderFixture Timeout(TimeSpan timeout) => Set("timeout_seconds", Seconds(timeout));

    /// <summary><c>stream_idle_timeout_seconds:</c>, in whole seconds.</summary>
    public ProviderFixture StreamIdleTimeout(TimeSpan idle) => Set("stream_idle_timeout_seconds", Seconds(idle));

    /// <summary><c>structured_outputs:</c> native or prompt (anthropic providers).</summary>
    public ProviderFixture StructuredOutputs(string how) => Set("structured_outputs", how);

    /// <summary><c>discover_models:</c>, and <c>discovery_interval_minutes:</c> when given.</summary>
    public ProviderFixture DiscoverModels(bool discover = true, int? intervalMinutes = null)
    {
        Set("discover_models", Text(discover));
        return intervalMinutes is { } minutes ? Set("discovery_interval_minutes", Text(minutes)) : this;
    }

    /// <summary><c>max_attempts:</c>.</summary>
    public ProviderFixture MaxAttempts(int attempts) => Set("max_attempts", Text(attempts));

    /// <summary>One entry of <c>headers:</c>, sent upstream with every request.</summary>
    public ProviderFixture Header(string name, string value) => Set($"headers:{name}", value);

    /// <summary><c>capabilities:</c>, what the provider serves (chat, embeddings, moderations, count_tokens).</summary>
    public ProviderFixture Capabilities(params string[] capabilities)
    {
        _fields.RemoveAll(f => f.Field.StartsWith("capabilities:", StringComparison.Ordinal));
        for (var i = 0; i < capabilities.Length; i++)
            _fields.Add(($"capabilities:{Text(i)}", capabilities[i]));
        return this;
    }

    /// <summary>Writes this provider as entry <paramref name="index"/> of <c>providers:</c>.</summary>
    public void Flatten(int index, IDictionary<string, string?> into)
    {
        var prefix = $"providers:{index}:";
        foreach (var (field, value) in _fields)
            into[prefix + field] = value;
        for (var i = 0; i < _models.Count; i++)
            into[$"{prefix}models:{i}"] = _models[i];
        for (var k = 0; k < _keys.Count; k++)
        {
            foreach (var (field, value) in _keys[k])
                into[$"{prefix}keys:{k}:{field}"] = value;
        }
    }

    private ProviderFixture Set(string field, string value)
    {
        _fields.RemoveAll(f => f.Field == field);
        _fields.Add((field, value));
        return this;
    }

    private static string Seconds(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerSecond == 0 && span > TimeSpan.Zero
            ? Text((long)span.TotalSeconds)
            : throw new ArgumentOutOfRangeException(nameof(span), span, "the config file takes whole seconds");

    private static string Text(object value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>
/// The configuration of a test gateway, as its YAML file would give it: providers (<see cref="TestProviders"/>),
/// aliases, and any other setting by its flattened key; <see cref="Flatten"/> gives what <see cref="GatewayServer"/> takes.
/// </summary>
internal sealed class GatewayConfig(params ProviderFixture[] providers)
{
    private readonly Dictionary<string, string?> _settings = [];

    /// <summary><c>aliases:</c> a name for a chain of provider:model targets, tried in order.</summary>
    public GatewayConfig Alias(string name, params string[] targets)
    {
        for (var i = 0; i < targets.Length; i++)
            _settings[$"aliases:{name}:{i}"] = targets[i];
        return this;
    }

    /// <summary>Any other setting, by its flattened key (<c>outbound:allow:0</c>, <c>max_request_body_mb</c>).</summary>
    public GatewayConfig With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public GatewayConfig With(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        foreach (var (key, value) in settings)
            With(key, value);
        return this;
    }

    public Dictionary<string, string?> Flatten()
    {
        var values = new Dictionary<string, string?>(_settings, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < providers.Length; i++)
            providers[i].Flatten(i, values);
        return values;
    }
}

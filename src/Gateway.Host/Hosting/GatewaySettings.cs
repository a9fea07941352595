namespace Gateway.Host.Hosting;

/// <summary>The resolved configuration of one gateway process.</summary>
internal sealed record GatewaySettings
{
    public required IReadOnlyList<string> Urls { get; init; }

    public required string DataDir { get; init; }

    /// <summary>Npgsql connection string of the configured server; null means start the embedded cluster.</summary>
    public string? ConnectionString { get; init; }

    public required string Schema { get; init; }

    public required bool AutoMigrate { get; init; }

    public string? PostgresBin { get; init; }

    public byte[]? MasterKey { get; init; }

    public string? AdminToken { get; init; }

    public string? ConfigFile { get; init; }

    /// <summary>Every value of the config file, flattened (<c>section:key</c>), for features that bind their own sections.</summary>
    public IReadOnlyDictionary<string, string?> ConfigValues { get; init; } = new Dictionary<string, string?>();
}

namespace Gateway.Host.Features.Providers;

/// <summary>Run-time changes to upstream keys; one stream per key, named by its id.</summary>
internal static class ProviderKeyEvents
{
    public const string Added = "provider_key.added";
    public const string Disabled = "provider_key.disabled";
    public const string Enabled = "provider_key.enabled";
    public const string Removed = "provider_key.removed";
    public const string StreamType = "provider_key";

    /// <param name="SealedSecret">The key sealed under the master key; the plain key is never stored or logged.</param>
    internal sealed record KeyAdded(
        string KeyId, string Provider, string Label, string LastFour, string SealedSecret, string? Project, int Priority, double Weight,
        int? MaxConcurrency, int? Rpm, int? Rpd, int? Tpm, string? LimitsTable = null);

    internal sealed record KeyDisabled(string KeyId, string Reason);

    internal sealed record KeyEnabled(string KeyId);

    internal sealed record KeyRemoved(string KeyId);
}

using System.Collections.Concurrent;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Providers;

/// <summary>One provider instance at run time: where it is, how to talk to it, and its key pool.</summary>
/// <param name="Keys">Every key of the pool by id; keys added at run time join those of the config file.</param>
/// <param name="ConfiguredKeys">Ids of the keys declared in the config file: the API may not remove those.</param>
/// <param name="Capabilities">What it serves: its protocol's, or fewer as configured (an OpenAI-compatible server without embeddings).</param>
/// <param name="LimitsTable">Published limits for keys that name no table of their own; null: none.</param>
/// <param name="Discovery">How often to ask the upstream for its models; null: never (the declared list is the list).</param>
/// <param name="StructuredOutputs">How a JSON schema reaches an Anthropic upstream (natively or in the prompt).</param>
/// <param name="Timeout">The whole-request timeout: until the headers of a stream, until the last byte of any other answer.</param>
/// <param name="StreamIdleTimeout">How long a stream that began may go without a byte from the upstream before the gateway ends it.</param>
/// <param name="Mock">The <c>mock</c> type: answered inside the gateway, never over the network.</param>
internal sealed record Provider(
    string Name, ProviderKind Kind, Uri BaseUrl, IReadOnlyDictionary<string, string> Headers, TimeSpan Timeout, TimeSpan StreamIdleTimeout, int MaxAttempts,
    IReadOnlyList<string> Models, KeyPool Pool, ConcurrentDictionary<string, UpstreamKey> Keys, IReadOnlySet<string> ConfiguredKeys, Capability Capabilities,
    KnownLimitTable? LimitsTable = null, TimeSpan? Discovery = null, StructuredOutputs StructuredOutputs = StructuredOutputs.Native, bool Mock = false)
{
    /// <summary>Models the upstream listed for any of the keys, as last discovered.</summary>
    public IReadOnlySet<string> Discovered { get; set; } = new HashSet<string>();

    /// <summary>What this provider serves: declared models and discovered ones.</summary>
    public IReadOnlyList<string> AllModels => [.. Models.Union(Discovered.Order(StringComparer.Ordinal))];

    /// <summary>What a mock provider shows as its URL. Reserved by RFC 2606: never a real host, so were a mock request ever sent, it could not leave.</summary>
    public static Uri MockBaseUrl { get; } = new("http://mock.gateway.invalid/v1/");

    /// <summary>How this provider's API is spoken: its requests, answers, streams, errors and model list.</summary>
    public IUpstreamProtocol Protocol => UpstreamProtocols.For(Kind);

    /// <summary>The table a key uses: its own choice (a table name or none), else the provider's.</summary>
    public KnownLimitTable? TableFor(string? keyChoice) => KnownLimits.ForKey(keyChoice, LimitsTable);

    /// <summary>A path below the base URL, whether or not the configured URL ends with a slash.</summary>
    public Uri Endpoint(string relative) => new(new Uri(BaseUrl.ToString().TrimEnd('/') + "/"), relative);
}

using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Domain.Upstreams;

namespace Gateway.Host.Features.Providers.Protocols;

/// <summary>
/// How the gateway speaks to the providers of one <see cref="ProviderKind"/>: where they are unless configured, what
/// they can serve, when their quota day starts, how a request is addressed and keyed, and which of the Domain's readers
/// and writers carry the canonical form to and from their wire format (<c>Gateway.Domain/Chat/&lt;format&gt;/</c>). A thin
/// adapter: HTTP, paths and headers here, the wire work in Domain. One class per kind, found through
/// <see cref="UpstreamProtocols.For"/>; what else a kind can do comes as <see cref="IEmbeddingProtocol"/> and
/// <see cref="ITokenCountingProtocol"/>.
/// </summary>
internal interface IUpstreamProtocol
{
    ProviderKind Kind { get; }

    /// <summary>The base URL of the provider's own API, used when the config names none.</summary>
    Uri DefaultBaseUrl { get; }

    /// <summary>What the protocol can carry: a provider's capabilities may name only these.</summary>
    Capability Capabilities { get; }

    /// <summary>What a provider at <paramref name="baseUrl"/> serves when its config names no capabilities: all it can carry, unless the protocol says otherwise.</summary>
    Capability DefaultCapabilities(Uri baseUrl) => Capabilities;

    /// <summary>Where the provider's quota day starts at midnight (<see cref="QuotaClock"/>).</summary>
    TimeZoneInfo QuotaZone { get; }

    /// <summary>The request for a key's model list (model discovery).</summary>
    HttpRequestMessage ListModels(Provider provider, UpstreamKey key);

    IReadOnlySet<string> ReadModels(JsonElement root);

    /// <summary>A chat request in canonical form, in the protocol's wire format; an event stream when the request streams.</summary>
    HttpRequestMessage Chat(Provider provider, RouteTarget target, UpstreamKey key, ChatRequest request);

    /// <summary>A whole chat answer in canonical form.</summary>
    ChatResponse ReadAnswer(JsonElement root);

    /// <summary>A reader of one chat stream's events (one per stream: readers keep state).</summary>
    IChatEventReader NewEventReader();

    /// <summary>An error body's code and message, for a client of another wire format.</summary>
    UpstreamErrorText ReadError(byte[] body);
}

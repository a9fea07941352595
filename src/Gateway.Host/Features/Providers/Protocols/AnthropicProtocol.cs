using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Upstreams;

namespace Gateway.Host.Features.Providers.Protocols;

/// <summary>
/// Anthropic's API: the key in x-api-key, and an anthropic-version on every request, the one the gateway speaks
/// (<see cref="AnthropicApi.Version"/>) unless an Anthropic client's own passes through. No embeddings API.
/// </summary>
internal sealed class AnthropicProtocol : ITokenCountingProtocol
{
    public ProviderKind Kind => ProviderKind.Anthropic;

    public Uri DefaultBaseUrl { get; } = new("https://api.anthropic.com/");

    public Capability Capabilities => Capability.Chat | Capability.CountTokens;

    public TimeZoneInfo QuotaZone => TimeZoneInfo.Utc;

    /// <summary>A POST to an Anthropic path with the given anthropic-version and anthropic-beta (a passthrough sends the client's, so they keep their meaning).</summary>
    public static HttpRequestMessage Post(Provider provider, UpstreamKey key, string path, JsonObject body, string version, string? beta)
    {
        var message = Keyed(UpstreamMessage.Create(provider, HttpMethod.Post, path, body), key, version);
        if (beta is not null)
            message.Headers.TryAddWithoutValidation(AnthropicApi.BetaHeader, beta);
        return message.WithHeadersOf(provider);
    }

    public HttpRequestMessage ListModels(Provider provider, UpstreamKey key) =>
        Keyed(UpstreamMessage.Create(provider, HttpMethod.Get, AnthropicApi.ModelsPath + "?limit=1000"), key, AnthropicApi.Version).WithHeadersOf(provider);

    public IReadOnlySet<string> ReadModels(JsonElement root) => ModelLists.Read(root);

    /// <summary>
    /// The Messages API at the pinned version. Structured outputs need no beta header there: <c>output_config</c> is
    /// generally available; a provider whose server lacks them asks in the prompt (<see cref="Provider.StructuredOutputs"/>).
    /// </summary>
    public HttpRequestMessage Chat(Provider provider, RouteTarget target, UpstreamKey key, ChatRequest request) =>
        Post(provider, key, AnthropicApi.MessagesPath, AnthropicRequestWriter.Write(request, target.Model, provider.StructuredOutputs), AnthropicApi.Version, null);

    public ChatResponse ReadAnswer(JsonElement root) => AnthropicResponseReader.Read(root);

    public IChatEventReader NewEventReader() => new AnthropicEventReader();

    public UpstreamErrorText ReadError(byte[] body) => UpstreamErrorText.Read(body);

    public HttpRequestMessage CountTokens(Provider provider, RouteTarget target, UpstreamKey key, ChatRequest request) =>
        Post(provider, key, AnthropicApi.CountTokensPath, AnthropicRequestWriter.WriteCount(request, target.Model, provider.StructuredOutputs), AnthropicApi.Version, null);

    public int ReadTokenCount(JsonElement root) => AnthropicResponseReader.ReadTokenCount(root);

    private static HttpRequestMessage Keyed(HttpRequestMessage message, UpstreamKey key, string version)
    {
        message.Headers.TryAddWithoutValidation(AnthropicApi.KeyHeader, key.Secret);
        message.Headers.TryAddWithoutValidation(AnthropicApi.VersionHeader, version);
        return message;
    }
}

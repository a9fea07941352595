using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Upstreams;

namespace Gateway.Host.Features.Providers.Protocols;

/// <summary>
/// Google AI Studio's Gemini API: the key in x-goog-api-key, one path per model method
/// (<c>v1beta/models/{model}:{method}</c>), streams as server-sent events (<c>alt=sse</c>), daily quotas from
/// midnight Pacific time.
/// </summary>
internal sealed class GeminiProtocol : IEmbeddingProtocol, ITokenCountingProtocol
{
    public ProviderKind Kind => ProviderKind.Gemini;

    public Uri DefaultBaseUrl { get; } = new("https://generativelanguage.googleapis.com/");

    public Capability Capabilities => Capability.Chat | Capability.Embeddings | Capability.CountTokens;

    public TimeZoneInfo QuotaZone => GeminiApi.QuotaZone;

    /// <summary>A model method (generateContent, batchEmbedContents, ...) of the target's model.</summary>
    public static HttpRequestMessage Post(Provider provider, RouteTarget target, UpstreamKey key, string method, JsonObject body) =>
        Keyed(UpstreamMessage.Create(provider, HttpMethod.Post, GeminiApi.MethodPath(target.Model, method), body), key).WithHeadersOf(provider);

    public HttpRequestMessage ListModels(Provider provider, UpstreamKey key) =>
        Keyed(UpstreamMessage.Create(provider, HttpMethod.Get, GeminiApi.ModelsPath + "?pageSize=1000"), key).WithHeadersOf(provider);

    public IReadOnlySet<string> ReadModels(JsonElement root) => ModelLists.Read(root);

    public HttpRequestMessage Chat(Provider provider, RouteTarget target, UpstreamKey key, ChatRequest request) =>
        Post(provider, target, key, request.Stream ? GeminiApi.StreamGenerateContentSse : GeminiApi.GenerateContent, GeminiRequestWriter.Write(request));

    public ChatResponse ReadAnswer(JsonElement root) => GeminiResponseReader.Read(root);

    public IChatEventReader NewEventReader() => new GeminiEventReader();

    public UpstreamErrorText ReadError(byte[] body) => UpstreamErrorText.Read(body);

    public HttpRequestMessage Embed(Provider provider, RouteTarget target, UpstreamKey key, TextsToEmbed request) =>
        Post(provider, target, key, GeminiApi.BatchEmbedContents, GeminiEmbeddings.WriteRequest(target.Model, request));

    /// <summary>Gemini reports no tokens for embeddings: the usage is left for the gateway to estimate.</summary>
    public EmbeddedTexts ReadEmbeddings(JsonElement root) => new(GeminiEmbeddings.ReadResponse(root), null);

    public HttpRequestMessage CountTokens(Provider provider, RouteTarget target, UpstreamKey key, ChatRequest request) =>
        Post(provider, target, key, GeminiApi.CountTokens, GeminiRequestWriter.WriteCount(request, target.Model));

    public int ReadTokenCount(JsonElement root) => GeminiResponseReader.ReadTokenCount(root);

    private static HttpRequestMessage Keyed(HttpRequestMessage message, UpstreamKey key)
    {
        message.Headers.TryAddWithoutValidation(GeminiApi.KeyHeader, key.Secret);
        return message;
    }
}

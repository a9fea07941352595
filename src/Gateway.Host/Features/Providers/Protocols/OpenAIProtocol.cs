using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Domain.Upstreams;

namespace Gateway.Host.Features.Providers.Protocols;

/// <summary>
/// OpenAI's API and everything compatible with it (OpenRouter, Groq, vLLM, Ollama, the mock): the key as a Bearer
/// token, paths below a base URL that ends in <c>/v1/</c>. No counting endpoint: the gateway counts for these itself.
/// </summary>
internal sealed class OpenAIProtocol : IEmbeddingProtocol
{
    public ProviderKind Kind => ProviderKind.OpenAI;

    public Uri DefaultBaseUrl { get; } = new("https://api.openai.com/v1/");

    public Capability Capabilities => Capability.Chat | Capability.Embeddings | Capability.Moderations | Capability.Responses;

    /// <summary>OpenAI's own API serves the Responses API; a compatible server (vLLM, Ollama, Groq, the mock) is not assumed to.</summary>
    public Capability DefaultCapabilities(Uri baseUrl) =>
        baseUrl.Host.Equals(DefaultBaseUrl.Host, StringComparison.OrdinalIgnoreCase) ? Capabilities : Capabilities & ~Capability.Responses;

    public TimeZoneInfo QuotaZone => TimeZoneInfo.Utc;

    /// <summary>A POST of a body in OpenAI's format, its model set to the upstream's: what an OpenAI client's request passes through as.</summary>
    public static HttpRequestMessage Post(Provider provider, RouteTarget target, UpstreamKey key, string path, JsonObject body)
    {
        body["model"] = target.Model;
        return Keyed(UpstreamMessage.Create(provider, HttpMethod.Post, path, body), key).WithHeadersOf(provider);
    }

    public HttpRequestMessage ListModels(Provider provider, UpstreamKey key) =>
        Keyed(UpstreamMessage.Create(provider, HttpMethod.Get, OpenAIApi.ModelsPath), key).WithHeadersOf(provider);

    public IReadOnlySet<string> ReadModels(JsonElement root) => ModelLists.Read(root);

    public HttpRequestMessage Chat(Provider provider, RouteTarget target, UpstreamKey key, ChatRequest request) =>
        Post(provider, target, key, OpenAIApi.ChatCompletionsPath, OpenAIChatRequestWriter.Write(request, target.Model));

    public ChatResponse ReadAnswer(JsonElement root) => OpenAIChatResponseReader.Read(root);

    public IChatEventReader NewEventReader() => new OpenAIChunkReader();

    public UpstreamErrorText ReadError(byte[] body) => UpstreamErrorText.Read(body);

    public HttpRequestMessage Embed(Provider provider, RouteTarget target, UpstreamKey key, TextsToEmbed request) =>
        Post(provider, target, key, OpenAIApi.EmbeddingsPath, OpenAIEmbeddings.WriteRequest(target.Model, request));

    public EmbeddedTexts ReadEmbeddings(JsonElement root) => new(OpenAIEmbeddings.ReadResponse(root), OpenAIChatResponseReader.ReadUsage(root));

    private static HttpRequestMessage Keyed(HttpRequestMessage message, UpstreamKey key)
    {
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        return message;
    }
}

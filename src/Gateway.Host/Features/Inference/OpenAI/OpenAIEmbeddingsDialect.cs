using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// OpenAI's embeddings. To OpenAI-compatible upstreams the body passes through untouched but for the model name; to
/// others (Gemini) the texts go through the canonical form, and the vectors come back in the encoding the client asked
/// for (the official Node SDK asks for base64 and decodes it itself).
/// </summary>
internal sealed class OpenAIEmbeddingsDialect : EmbeddingsDialect
{
    private EmbeddingEncoding _encoding;

    public override Dialect Wire => Dialect.OpenAI;

    public override string Endpoint => "/v1/" + OpenAIApi.EmbeddingsPath;

    public override ProviderKind Native => ProviderKind.OpenAI;

    public override IReadOnlyList<FieldProblem> Validate(JsonObject body) => OpenAIRequestValidator.Embeddings(body);

    /// <summary>Texts only: token arrays reach only OpenAI-compatible upstreams. encoding_format and dimensions were checked with the rest of the body.</summary>
    protected override (TextsToEmbed? Canonical, IReadOnlyList<string> Problems) ReadCanonical(JsonObject body)
    {
        _encoding = OpenAIEmbeddings.ReadEncoding(body["encoding_format"]).Encoding ?? EmbeddingEncoding.Numbers;
        return OpenAIEmbeddings.ReadRequest(body) is { } texts
            ? (texts, [])
            : (null, ["'input' must be a string or an array of strings for models of providers that are not OpenAI-compatible"]);
    }

    public override string AnswerContentType(string? upstream) => upstream ?? base.AnswerContentType(upstream);

    /// <summary>An upstream that reports no tokens for embeddings (Gemini) has them estimated from the texts.</summary>
    public override RelayedAnswer WriteAnswer(EmbeddedTexts embedded, RouteTarget target, int estimatedTokens)
    {
        var tokens = embedded.Usage?.PromptTokens ?? Canonical!.EstimatedTokens;
        var answer = OpenAIEmbeddings.WriteResponse(embedded.Vectors, target.Model, _encoding, tokens);
        return new RelayedAnswer(JsonSerializer.SerializeToUtf8Bytes(answer), new ChatUsage(tokens, 0, 0), embedded.Usage is null);
    }

    internal override HttpRequestMessage PassthroughRequest(Provider provider, RouteTarget target, UpstreamKey key) =>
        OpenAIProtocol.Post(provider, target, key, OpenAIApi.EmbeddingsPath, Body);

    internal override RelayedAnswer PassthroughAnswer(byte[] upstream, int estimatedTokens) => AsItCame(upstream, OpenAIChatResponseReader.ReadUsage);
}

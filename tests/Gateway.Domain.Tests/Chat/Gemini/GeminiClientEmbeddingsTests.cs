using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat.Gemini;

public sealed class GeminiClientEmbeddingsTests
{
    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Should_read_one_content_as_one_text_and_a_batch_in_order()
    {
        var (one, _) = GeminiEmbeddings.ReadRequest(Json("""{"content":{"parts":[{"text":"key "},{"text":"rotation"}]},"taskType":"RETRIEVAL_QUERY","outputDimensionality":8}"""), batch: false);
        var (many, _) = GeminiEmbeddings.ReadRequest(Json("""{"requests":[{"model":"models/x","content":{"parts":[{"text":"a"}]}},{"model":"models/x","content":{"parts":[{"text":"b"}]}}]}"""), batch: true);

        Assert.Equal(["key rotation"], one!.Texts);
        Assert.Equal(8, one.Dimensions);
        Assert.Equal(["a", "b"], many!.Texts);
        Assert.Null(many.Dimensions);
        Assert.Equal("""{"model":"text-embedding-3-small","input":["key rotation"],"encoding_format":"float","dimensions":8}""", OpenAIEmbeddings.WriteRequest("text-embedding-3-small", one).ToJsonString());
    }

    [Fact]
    public void Should_name_every_part_another_upstream_cannot_embed()
    {
        var (request, problems) = GeminiEmbeddings.ReadRequest(Json("""
            {"requests":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}}]},"outputDimensionality":8},{"content":{}},{"content":{"parts":[{"text":"b"}]},"outputDimensionality":16}]}
            """), batch: true);

        Assert.Null(request);
        Assert.Equal(
            ["requests[0].content.parts: only text parts can be embedded by this model's provider", "requests[1].content.parts: a non-empty array is required",
             "outputDimensionality: every request of a batch must ask for the same size"],
            problems);
        Assert.Equal(["requests: a non-empty array is required"], GeminiEmbeddings.ReadRequest(Json("""{"requests":[]}"""), batch: true).Problems);
    }

    [Fact]
    public void Should_write_an_openai_list_back_as_geminis_answer_in_request_order()
    {
        using var openAI = JsonDocument.Parse("""{"object":"list","data":[{"index":1,"embedding":[0.5,1]},{"index":0,"embedding":[0.25,-0.5]}],"usage":{"prompt_tokens":2}}""");

        Assert.Equal("""{"embeddings":[{"values":[0.25,-0.5]},{"values":[0.5,1]}]}""", GeminiEmbeddings.WriteResponse(OpenAIEmbeddings.ReadResponse(openAI.RootElement), batch: true).ToJsonString());
        using var single = JsonDocument.Parse("""{"data":[{"index":0,"embedding":[0.25]}]}""");
        Assert.Equal("""{"embedding":{"values":[0.25]}}""", GeminiEmbeddings.WriteResponse(OpenAIEmbeddings.ReadResponse(single.RootElement), batch: false).ToJsonString());
        using var base64 = JsonDocument.Parse("""{"data":[{"index":0,"embedding":"AACAPgAAAL8="}]}""");
        Assert.Equal("""{"embedding":{"values":[0.25,-0.5]}}""", GeminiEmbeddings.WriteResponse(OpenAIEmbeddings.ReadResponse(base64.RootElement), batch: false).ToJsonString());
    }
}

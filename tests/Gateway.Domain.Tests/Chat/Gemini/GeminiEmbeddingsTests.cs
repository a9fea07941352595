using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat.Gemini;

public sealed class GeminiEmbeddingsTests
{
    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Should_batch_openai_inputs_as_gemini_requests_with_the_requested_dimensions()
    {
        var request = OpenAIEmbeddings.ReadRequest(Json("""{"input":["alpha","beta"],"dimensions":256}"""))!;

        var body = GeminiEmbeddings.WriteRequest("gemini-embedding-001", request);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"requests":[
              {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"alpha"}]},"outputDimensionality":256},
              {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"beta"}]},"outputDimensionality":256}]}
            """), body));
    }

    [Fact]
    public void Should_refuse_token_arrays_which_gemini_cannot_take()
    {
        Assert.Null(OpenAIEmbeddings.ReadRequest(Json("""{"input":[[1,2,3]]}""")));
        Assert.Equal(["one"], OpenAIEmbeddings.ReadRequest(Json("""{"input":"one"}"""))!.Texts);
    }

    [Fact]
    public void Should_return_gemini_vectors_as_an_openai_list_in_input_order()
    {
        var openAi = OpenAIEmbeddings.WriteResponse(
            GeminiEmbeddings.ReadResponse(JsonDocument.Parse("""{"embeddings":[{"values":[0.5,-0.25]},{"values":[1,0]}]}""").RootElement), "gemini-embedding-001", EmbeddingEncoding.Numbers,
            new TextsToEmbed(["12345678", "abcd"], null).EstimatedTokens);

        Assert.Equal(1, (int)openAi["data"]![1]!["index"]!);
        Assert.Equal([0.5f, -0.25f], openAi["data"]![0]!["embedding"]!.AsArray().Select(v => (float)v!));
        Assert.Equal(3, (int)openAi["usage"]!["prompt_tokens"]!);
    }

    [Fact]
    public void Should_return_gemini_vectors_as_base64_of_little_endian_float32_when_asked()
    {
        var openAi = OpenAIEmbeddings.WriteResponse(
            GeminiEmbeddings.ReadResponse(JsonDocument.Parse("""{"embeddings":[{"values":[1.0,-2.0,0.5]},{"values":[0.5,-0.25]}]}""").RootElement), "gemini-embedding-001", EmbeddingEncoding.Base64,
            new TextsToEmbed(["a", "b"], null).EstimatedTokens);

        // 1.0f, -2.0f, 0.5f are 00 00 80 3F, 00 00 00 C0, 00 00 00 3F in little-endian float32.
        Assert.Equal("AACAPwAAAMAAAAA/", (string?)openAi["data"]![0]!["embedding"]);
        Assert.Equal("AAAAPwAAgL4=", (string?)openAi["data"]![1]!["embedding"]);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Embeddings;

namespace Gateway.Domain.Tests.Chat;

public sealed class GeminiEmbeddingsTests
{
    [Fact]
    public void Should_batch_openai_inputs_as_gemini_requests_with_the_requested_dimensions()
    {
        var inputs = GeminiEmbeddings.Inputs(JsonNode.Parse("""["alpha","beta"]"""))!;

        var body = GeminiEmbeddings.WriteRequest("gemini-embedding-001", inputs, 256);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"requests":[
              {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"alpha"}]},"outputDimensionality":256},
              {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"beta"}]},"outputDimensionality":256}]}
            """), body));
    }

    [Fact]
    public void Should_refuse_token_arrays_which_gemini_cannot_take()
    {
        Assert.Null(GeminiEmbeddings.Inputs(JsonNode.Parse("[[1,2,3]]")));
        Assert.Equal(["one"], GeminiEmbeddings.Inputs(JsonValue.Create("one")));
    }

    [Fact]
    public void Should_return_gemini_vectors_as_an_openai_list_in_input_order()
    {
        var openAi = GeminiEmbeddings.ToOpenAI(
            JsonDocument.Parse("""{"embeddings":[{"values":[0.5,-0.25]},{"values":[1,0]}]}""").RootElement, "gemini-embedding-001", ["12345678", "abcd"], EmbeddingEncoding.Numbers);

        Assert.Equal(1, (int)openAi["data"]![1]!["index"]!);
        Assert.Equal([0.5f, -0.25f], openAi["data"]![0]!["embedding"]!.AsArray().Select(v => (float)v!));
        Assert.Equal(3, (int)openAi["usage"]!["prompt_tokens"]!);
    }

    [Fact]
    public void Should_return_gemini_vectors_as_base64_of_little_endian_float32_when_asked()
    {
        var openAi = GeminiEmbeddings.ToOpenAI(
            JsonDocument.Parse("""{"embeddings":[{"values":[1.0,-2.0,0.5]},{"values":[0.5,-0.25]}]}""").RootElement, "gemini-embedding-001", ["a", "b"], EmbeddingEncoding.Base64);

        // 1.0f, -2.0f, 0.5f are 00 00 80 3F, 00 00 00 C0, 00 00 00 3F in little-endian float32.
        Assert.Equal("AACAPwAAAMAAAAA/", (string?)openAi["data"]![0]!["embedding"]);
        Assert.Equal("AAAAPwAAgL4=", (string?)openAi["data"]![1]!["embedding"]);
    }
}

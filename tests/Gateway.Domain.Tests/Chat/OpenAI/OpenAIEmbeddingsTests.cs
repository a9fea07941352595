using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat.OpenAI;

public sealed class OpenAIEmbeddingsTests
{
    [Fact]
    public void Should_write_a_vector_as_numbers_or_as_base64_of_its_little_endian_float32_bytes()
    {
        float[] vector = [1.0f, -2.0f, 0.5f];

        Assert.Equal("[1,-2,0.5]", OpenAIEmbeddings.WriteVector(vector, EmbeddingEncoding.Numbers).ToJsonString());
        Assert.Equal("\"AACAPwAAAMAAAAA/\"", OpenAIEmbeddings.WriteVector(vector, EmbeddingEncoding.Base64).ToJsonString());
        Assert.Equal([0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x3F], Convert.FromBase64String("AACAPwAAAMAAAAA/"));
    }

    [Fact]
    public void Should_read_a_vector_in_either_encoding_to_the_same_floats()
    {
        using var numbers = JsonDocument.Parse("[0.1,-0.3333333,123.456]");
        var base64 = OpenAIEmbeddings.WriteVector(OpenAIEmbeddings.ReadVector(numbers.RootElement), EmbeddingEncoding.Base64);
        using var encoded = JsonDocument.Parse(base64.ToJsonString());

        Assert.Equal([0.1f, -0.3333333f, 123.456f], OpenAIEmbeddings.ReadVector(numbers.RootElement));
        Assert.Equal([0.1f, -0.3333333f, 123.456f], OpenAIEmbeddings.ReadVector(encoded.RootElement));
    }

    [Fact]
    public void Should_take_float_base64_or_nothing_as_the_encoding_and_name_anything_else()
    {
        Assert.Equal(EmbeddingEncoding.Numbers, OpenAIEmbeddings.ReadEncoding(null).Encoding);
        Assert.Equal(EmbeddingEncoding.Numbers, OpenAIEmbeddings.ReadEncoding(JsonValue.Create("float")).Encoding);
        Assert.Equal(EmbeddingEncoding.Base64, OpenAIEmbeddings.ReadEncoding(JsonValue.Create("base64")).Encoding);
        Assert.Equal((null, "'encoding_format' must be \"float\" or \"base64\", not \"binary\""), OpenAIEmbeddings.ReadEncoding(JsonValue.Create("binary")));
        Assert.Null(OpenAIEmbeddings.ReadEncoding(JsonValue.Create(1)).Encoding);
    }
}

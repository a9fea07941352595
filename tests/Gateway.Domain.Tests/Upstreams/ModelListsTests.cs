using System.Text.Json;
using Gateway.Domain.Upstreams;

namespace Gateway.Domain.Tests.Upstreams;

public sealed class ModelListsTests
{
    [Fact]
    public void Should_read_openai_and_anthropic_lists_by_id() =>
        Assert.Equal(["claude-sonnet-4-5", "gpt-4o"], ModelLists.Read(JsonDocument.Parse(
            """{"object":"list","data":[{"id":"gpt-4o","object":"model"},{"id":"claude-sonnet-4-5","type":"model"}],"has_more":false}""").RootElement).Order());

    [Fact]
    public void Should_read_gemini_lists_without_the_models_prefix_keeping_only_usable_models() =>
        Assert.Equal(["gemini-2.5-flash", "gemini-embedding-001"], ModelLists.Read(JsonDocument.Parse("""
            {"models":[
              {"name":"models/gemini-2.5-flash","supportedGenerationMethods":["generateContent","countTokens"]},
              {"name":"models/gemini-embedding-001","supportedGenerationMethods":["embedContent"]},
              {"name":"models/aqa","supportedGenerationMethods":["generateAnswer"]}]}
            """).RootElement).Order());

    [Fact]
    public void Should_read_an_unknown_shape_as_an_empty_list() =>
        Assert.Empty(ModelLists.Read(JsonDocument.Parse("""{"error":"nope"}""").RootElement));
}

using System.Text.Json.Nodes;
using Gateway.Domain.Chat;

namespace Gateway.Domain.Tests.Chat;

public sealed class UnmappedFieldsTests
{
    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Should_name_the_openai_fields_translation_drops_and_nothing_it_maps() =>
        Assert.Equal(["logprobs", "n", "seed"], UnmappedFields.OfOpenAIChat(Json("""
            {"model":"m","messages":[],"seed":1,"temperature":0.2,"n":1,"logprobs":true,"tools":[],"response_format":{"type":"json_object"},"stream":true,"stream_options":{"include_usage":true}}
            """)));

    [Fact]
    public void Should_name_anthropic_fields_and_any_cache_control_mark_however_deep() =>
        Assert.Equal(["service_tier", "top_k", "cache_control"], UnmappedFields.OfAnthropicMessages(Json("""
            {"model":"m","max_tokens":5,"top_k":3,"service_tier":"auto","system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]}
            """)));

    [Fact]
    public void Should_name_gemini_fields_including_those_inside_generation_config()
    {
        Assert.Equal(["safetySettings", "generationConfig.seed", "generationConfig.topK"], UnmappedFields.OfGeminiGenerateContent(Json("""
            {"model":"m","contents":[],"safetySettings":[],"generationConfig":{"temperature":1,"topK":3,"seed":2,"thinkingConfig":{"thinkingBudget":0}}}
            """)));
        Assert.Empty(UnmappedFields.OfGeminiGenerateContent(Json("""{"model":"m","contents":[],"systemInstruction":{},"tools":[],"toolConfig":{}}""")));
    }
}

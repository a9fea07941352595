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

    [Fact]
    public void Should_name_the_responses_fields_translation_drops_and_none_of_those_codex_sends()
    {
        Assert.Empty(UnmappedFields.OfOpenAIResponses(Json(OpenAI.ResponsesCases.CodexTurn)));
        Assert.Empty(UnmappedFields.OfOpenAIResponses(Json("""
            {"model":"m","input":"x","instructions":"i","store":true,"metadata":{"a":"b"},"previous_response_id":"resp_1","prompt_cache_retention":"24h",
             "safety_identifier":"s","user":"u","stream_options":{"include_obfuscation":false},"background":false,"truncation":"disabled",
             "include":["reasoning.encrypted_content","web_search_call.action.sources"],"text":{"format":{"type":"text"}},"max_output_tokens":20,"temperature":1,"top_p":1}
            """)));
        Assert.Equal(
            ["context_management", "max_tool_calls", "prompt", "service_tier", "top_logprobs", "truncation 'auto'", "text.verbosity", "include 'message.output_text.logprobs'"],
            UnmappedFields.OfOpenAIResponses(Json("""
                {"model":"m","input":"x","service_tier":"flex","top_logprobs":2,"max_tool_calls":3,"prompt":{"id":"pmpt_1"},"context_management":[],
                 "truncation":"auto","text":{"verbosity":"low"},"include":["message.output_text.logprobs","reasoning.encrypted_content"]}
                """)));
    }
}

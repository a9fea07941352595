using System.Text.Json.Nodes;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat.Anthropic;

/// <summary>
/// Golden requests to an Anthropic upstream for clients that asked for JSON: a schema as Anthropic's structured
/// outputs (<c>output_config.format</c>), made what Anthropic's grammar takes; JSON without a schema, and any JSON
/// where the provider is set to the prompt, as a system instruction.
/// </summary>
public sealed class AnthropicStructuredOutputsTests
{
    private static JsonObject FromOpenAI(string body, StructuredOutputs structuredOutputs = StructuredOutputs.Native)
    {
        var (request, problems) = OpenAIChatRequestReader.Read(JsonNode.Parse(body)!.AsObject());
        Assert.Empty(problems);
        return AnthropicRequestWriter.Write(request!, "claude-sonnet-4-5", structuredOutputs);
    }

    private static JsonObject FromGemini(string body)
    {
        var (request, problems) = GeminiRequestReader.Read("claude", JsonNode.Parse(body)!.AsObject());
        Assert.Empty(problems);
        return AnthropicRequestWriter.Write(request!, "claude-sonnet-4-5");
    }

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual.ToJsonString()}");

    [Fact]
    public void Should_send_an_openai_json_schema_as_output_config_with_every_object_closed_and_unsupported_keywords_moved_into_descriptions()
    {
        var body = FromOpenAI("""
            {"model":"m","max_tokens":300,"messages":[{"role":"user","content":"Extract the contact"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"contact","strict":true,"schema":{
               "$schema":"https://json-schema.org/draft/2020-12/schema",
               "type":"object",
               "properties":{
                 "name":{"type":"string","minLength":1},
                 "email":{"type":"string","format":"email"},
                 "age":{"type":"integer","description":"Years","minimum":0,"maximum":150},
                 "tags":{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":5},
                 "address":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":true},
                 "reach":{"oneOf":[{"type":"string","format":"uri"},{"type":"object","properties":{"phone":{"type":"string","pattern":"^[0-9]+$"}}}]}},
               "required":["name","email"]}}}}
            """);

        AssertJson("""
            {"model":"claude-sonnet-4-5","max_tokens":300,
             "messages":[{"role":"user","content":[{"type":"text","text":"Extract the contact"}]}],
             "output_config":{"format":{"type":"json_schema","schema":{
               "type":"object",
               "properties":{
                 "name":{"type":"string","description":"{\"minLength\":1}"},
                 "email":{"type":"string","format":"email"},
                 "age":{"type":"integer","description":"Years\n\n{\"minimum\":0,\"maximum\":150}"},
                 "tags":{"type":"array","items":{"type":"string"},"minItems":1,"description":"{\"maxItems\":5}"},
                 "address":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false},
                 "reach":{"anyOf":[
                   {"type":"string","format":"uri"},
                   {"type":"object","properties":{"phone":{"type":"string","description":"{\"pattern\":\"^[0-9]+$\"}"}},"additionalProperties":false}]}},
               "required":["name","email"],
               "additionalProperties":false}}}}
            """, body);
    }

    [Fact]
    public void Should_close_objects_inside_definitions_and_tuples_and_keep_refs()
    {
        var body = FromOpenAI("""
            {"model":"m","messages":[{"role":"user","content":"Plan"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"plan","schema":{
               "type":"object","properties":{"steps":{"type":"array","items":{"$ref":"#/$defs/step"}},"pair":{"type":"array","items":[{"type":"object","properties":{}}]}},
               "$defs":{"step":{"type":["object","null"],"properties":{"title":{"type":"string","format":"regex"}}}}}}}}
            """);

        AssertJson("""
            {"type":"object","properties":{
               "steps":{"type":"array","items":{"$ref":"#/$defs/step"}},
               "pair":{"type":"array","items":[{"type":"object","properties":{},"additionalProperties":false}]}},
             "$defs":{"step":{"type":["object","null"],"properties":{"title":{"type":"string","description":"{\"format\":\"regex\"}"}},"additionalProperties":false}},
             "additionalProperties":false}
            """, body["output_config"]!["format"]!["schema"]!);
    }

    [Fact]
    public void Should_ask_for_json_mode_without_a_schema_in_the_system_prompt_as_anthropic_cannot_be_asked_for_any_object()
    {
        var body = FromOpenAI("""
            {"model":"m","max_tokens":100,"response_format":{"type":"json_object"},
             "messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"List two colours"}]}
            """);

        AssertJson("""
            {"model":"claude-sonnet-4-5","max_tokens":100,
             "messages":[{"role":"user","content":[{"type":"text","text":"List two colours"}]}],
             "system":"Be terse.\n\nRespond with a single JSON object and nothing else."}
            """, body);
    }

    [Fact]
    public void Should_put_the_schema_in_the_system_prompt_where_the_provider_is_set_to_the_prompt()
    {
        var body = FromOpenAI("""
            {"model":"m","max_tokens":100,
             "response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object","properties":{"n":{"type":"integer"}}}}},
             "messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Pick a number"}]}
            """, StructuredOutputs.Prompt);

        AssertJson("""
            {"model":"claude-sonnet-4-5","max_tokens":100,
             "messages":[{"role":"user","content":[{"type":"text","text":"Pick a number"}]}],
             "system":"Be terse.\n\nRespond with a single JSON object that conforms to this JSON Schema, and nothing else: {\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}"}
            """, body);
    }

    [Fact]
    public void Should_send_a_gemini_response_schema_as_output_config_in_json_schema_terms()
    {
        var body = FromGemini("""
            {"contents":[{"parts":[{"text":"Recipe?"}]}],
             "generationConfig":{"responseMimeType":"application/json","responseSchema":{
               "type":"OBJECT","properties":{"name":{"type":"STRING"},"minutes":{"type":"INTEGER","nullable":true,"minimum":1}},
               "required":["name"],"propertyOrdering":["name","minutes"]}}}
            """);

        AssertJson("""
            {"model":"claude-sonnet-4-5","max_tokens":4096,
             "messages":[{"role":"user","content":[{"type":"text","text":"Recipe?"}]}],
             "output_config":{"format":{"type":"json_schema","schema":{
               "type":"object",
               "properties":{"name":{"type":"string"},"minutes":{"type":["integer","null"],"description":"{\"minimum\":1}"}},
               "required":["name"],
               "additionalProperties":false}}}}
            """, body);
    }

    [Fact]
    public void Should_send_a_gemini_response_json_schema_as_output_config()
    {
        var body = FromGemini("""
            {"contents":[{"parts":[{"text":"Yes or no?"}]}],
             "generationConfig":{"responseMimeType":"application/json","responseJsonSchema":{"type":"object","properties":{"answer":{"enum":["yes","no"]}}}}}
            """);

        AssertJson("""
            {"format":{"type":"json_schema","schema":{"type":"object","properties":{"answer":{"enum":["yes","no"]}},"additionalProperties":false}}}
            """, body["output_config"]!);
        Assert.Null(body["system"]);
    }

    [Fact]
    public void Should_ask_for_gemini_json_without_a_schema_in_the_system_prompt()
    {
        var body = FromGemini("""
            {"contents":[{"parts":[{"text":"Colours?"}]}],"systemInstruction":{"parts":[{"text":"Be terse."}]},
             "generationConfig":{"responseMimeType":"application/json"}}
            """);

        Assert.Equal("Be terse.\n\nRespond with a single JSON object and nothing else.", (string?)body["system"]);
        Assert.Null(body["output_config"]);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat.Gemini;

/// <summary>Golden translations between the OpenAI chat format and Gemini's generateContent, through the canonical model.</summary>
public sealed class OpenAIToGeminiTests
{
    private static JsonObject Translate(string openAiRequest)
    {
        var (request, problems) = OpenAIChatRequestReader.Read(JsonNode.Parse(openAiRequest)!.AsObject());
        Assert.Empty(problems);
        return GeminiRequestWriter.Write(request!);
    }

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual.ToJsonString()}");

    [Fact]
    public void Should_map_system_turns_and_generation_settings()
    {
        var body = Translate("""
            {"model":"gemini:gemini-2.5-flash","max_tokens":200,"temperature":0.3,"top_p":0.8,"stop":"END",
             "response_format":{"type":"json_object"},"reasoning_effort":"low",
             "messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."},{"role":"user","content":"Again"}]}
            """);

        AssertJson("""
            {"contents":[
               {"role":"user","parts":[{"text":"Hi"}]},
               {"role":"model","parts":[{"text":"Hello."}]},
               {"role":"user","parts":[{"text":"Again"}]}],
             "systemInstruction":{"parts":[{"text":"Be terse."}]},
             "generationConfig":{"maxOutputTokens":200,"temperature":0.3,"topP":0.8,"stopSequences":["END"],
               "responseMimeType":"application/json","thinkingConfig":{"thinkingBudget":1024,"includeThoughts":true}}}
            """, body);
    }

    [Fact]
    public void Should_answer_tool_results_by_the_name_of_the_call_they_answer()
    {
        var body = Translate("""
            {"model":"m","tool_choice":{"type":"function","function":{"name":"weather"}},
             "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Oslo?"},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]},
               {"role":"assistant","tool_calls":[{"id":"call_0","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]},
               {"role":"tool","tool_call_id":"call_0","content":"{\"celsius\":-3}"},
               {"role":"tool","tool_call_id":"call_0","content":"plain words"}]}
            """);

        AssertJson("""
            [{"role":"user","parts":[{"text":"Oslo?"},{"inlineData":{"mimeType":"image/jpeg","data":"/9j/4AAQ"}}]},
             {"role":"model","parts":[{"functionCall":{"name":"weather","args":{"city":"Oslo"}}}]},
             {"role":"user","parts":[
               {"functionResponse":{"name":"weather","response":{"celsius":-3}}},
               {"functionResponse":{"name":"weather","response":{"content":"plain words"}}}]}]
            """, body["contents"]!);
        AssertJson("""{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["weather"]}}""", body["toolConfig"]!);
        AssertJson("""[{"functionDeclarations":[{"name":"weather","description":null,"parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]}]""", body["tools"]!);
    }

    [Fact]
    public void Should_map_a_gemini_answer_with_thoughts_text_and_a_function_call_to_an_openai_completion_with_reasoning_content()
    {
        var response = GeminiResponseReader.Read(JsonDocument.Parse("""
            {"candidates":[{"content":{"role":"model","parts":[{"text":"thinking...","thought":true},{"text":"Checking."},{"functionCall":{"name":"weather","args":{"city":"Oslo"}}}]},"finishReason":"STOP"}],
             "usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":12,"thoughtsTokenCount":8,"cachedContentTokenCount":10,"totalTokenCount":50},
             "modelVersion":"gemini-2.5-flash","responseId":"resp-1"}
            """).RootElement);

        AssertJson("""
            {"id":"resp-1","object":"chat.completion","created":0,"model":"gemini-2.5-flash",
             "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"Checking.","reasoning_content":"thinking...",
               "tool_calls":[{"id":"call_0","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]}}],
             "usage":{"prompt_tokens":30,"completion_tokens":20,"total_tokens":50,"prompt_tokens_details":{"cached_tokens":10},"completion_tokens_details":{"reasoning_tokens":8}}}
            """, OpenAIChatResponseWriter.Write(response, 0));
    }

    [Theory]
    [InlineData("MAX_TOKENS", "length")]
    [InlineData("SAFETY", "content_filter")]
    [InlineData("RECITATION", "content_filter")]
    [InlineData("STOP", "stop")]
    public void Should_map_each_finish_reason(string gemini, string openAi)
    {
        var response = GeminiResponseReader.Read(JsonDocument.Parse(
            $$$"""{"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"{{{gemini}}}"}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1}}""").RootElement);

        Assert.Equal(openAi, (string?)OpenAIChatResponseWriter.Write(response, 0)["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public void Should_turn_a_gemini_stream_into_openai_deltas_with_usage_from_the_last_chunk()
    {
        var reader = new GeminiEventReader();
        string[] chunks =
        [
            """{"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]}}],"usageMetadata":{"promptTokenCount":9},"modelVersion":"gemini-2.5-flash","responseId":"r-7"}""",
            """{"candidates":[{"content":{"role":"model","parts":[{"text":"lo"}]}}],"modelVersion":"gemini-2.5-flash","responseId":"r-7"}""",
            """{"candidates":[{"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":2,"totalTokenCount":11},"modelVersion":"gemini-2.5-flash","responseId":"r-7"}""",
        ];

        var deltas = chunks.SelectMany(c => reader.Read(JsonDocument.Parse(c).RootElement)).ToList();

        Assert.Equal([typeof(StreamStarted), typeof(TextDelta), typeof(TextDelta), typeof(StreamFinished)], deltas.Select(d => d.GetType()));
        Assert.Equal(new StreamStarted("r-7", "gemini-2.5-flash", new ChatUsage(9, 0, 0)), deltas[0]);
        Assert.Equal("Hello", string.Concat(deltas.OfType<TextDelta>().Select(t => t.Text)));
        Assert.Equal(new StreamFinished(FinishReason.Stop, new ChatUsage(9, 2, 0)), deltas[^1]);
    }
}

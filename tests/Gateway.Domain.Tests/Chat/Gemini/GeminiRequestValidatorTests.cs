using Gateway.Domain.Chat.Gemini;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.Gemini;

public sealed class GeminiRequestValidatorTests
{
    [Theory]
    [InlineData("""{"contents":[{"parts":[{"text":"hi"}]}]}""")]
    [InlineData("""
        {"contents":[
          {"role":"user","parts":[{"text":"weather?"},{"inlineData":{"mimeType":"image/png","data":"AAAA"}},{"fileData":{"fileUri":"https://x/y.pdf"}}]},
          {"role":"model","parts":[{"text":"thinking","thought":true},{"thoughtSignature":"c2ln"},{"functionCall":{"id":"c1","name":"weather","args":{"city":"Oslo"}}}]},
          {"role":"function","parts":[{"functionResponse":{"name":"weather","response":{"t":"-3 C"}}}]}],
         "systemInstruction":{"role":"user","parts":[{"text":"be brief"}]},
         "generationConfig":{"maxOutputTokens":64,"temperature":0.5,"topP":0.9,"topK":40.0,"candidateCount":1,"stopSequences":["END"],"seed":-5,
           "responseMimeType":"application/json","responseSchema":{"type":"OBJECT"},"responseModalities":["TEXT"],
           "thinkingConfig":{"thinkingBudget":-1,"includeThoughts":true},"futureKnob":3},
         "tools":[{"functionDeclarations":[{"name":"weather","description":"d","parameters":{"type":"OBJECT"}}]},{"googleSearch":{}}],
         "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["weather"]}},
         "safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}],"cachedContent":"cachedContents/abc","labels":{"a":"b"}}
        """)]
    public void Should_accept_requests_the_api_accepts(string body) => Assert.Empty(GeminiRequestValidator.GenerateContent(Json(body)));

    [Fact]
    public void Should_name_every_wrong_field_at_once_by_its_path() =>
        Assert.Equal(
            [
                "contents[0].role must be one of 'user', 'model', 'function', not 'assistant'",
                "contents[0].parts[0].text must be a string, not 5",
                "contents[1].parts is required (an array)",
                "systemInstruction must be an object, not 'be brief'",
                "generationConfig.maxOutputTokens must be a positive integer, not 'many'",
                "generationConfig.temperature must be a number from 0 to 2, not 5",
                "generationConfig.topK must be a number of at least 0, not -2",
                "tools[0].functionDeclarations[0].name is required (a string)",
                "toolConfig.functionCallingConfig.mode must be one of 'MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED', not 'SOMETIMES'",
                "safetySettings[0].threshold is required (a string)",
            ],
            Problems(GeminiRequestValidator.GenerateContent(Json("""
                {"contents":[{"role":"assistant","parts":[{"text":5}]},{"role":"user"}],"systemInstruction":"be brief",
                 "generationConfig":{"maxOutputTokens":"many","temperature":5,"topK":-2},"tools":[{"functionDeclarations":[{}]}],
                 "toolConfig":{"functionCallingConfig":{"mode":"SOMETIMES"}},"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT"}]}
                """))));

    [Fact]
    public void Should_count_contents_or_a_whole_request_and_name_paths_inside_it()
    {
        Assert.Empty(GeminiRequestValidator.CountTokens(Json("""{"contents":[{"parts":[{"text":"hi"}]}]}""")));
        Assert.Empty(GeminiRequestValidator.CountTokens(Json("""{"generateContentRequest":{"model":"models/m","contents":[{"parts":[{"text":"hi"}]}]}}""")));
        Assert.Equal(["generateContentRequest.generationConfig.maxOutputTokens must be a positive integer, not 0"], Problems(GeminiRequestValidator.CountTokens(Json(
            """{"generateContentRequest":{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"maxOutputTokens":0}}}"""))));
        Assert.Equal(["contents is required (a non-empty array)"], Problems(GeminiRequestValidator.CountTokens(Json("{}"))));
    }

    [Fact]
    public void Should_check_embedding_requests_one_or_in_a_batch()
    {
        Assert.Empty(GeminiRequestValidator.EmbedContent(Json("""{"content":{"parts":[{"text":"a"}]},"taskType":"RETRIEVAL_QUERY","outputDimensionality":256}""")));
        Assert.Equal(["content.parts must be an array, not 'a'", "outputDimensionality must be a positive integer, not 'big'"],
            Problems(GeminiRequestValidator.EmbedContent(Json("""{"content":{"parts":"a"},"outputDimensionality":"big"}"""))));
        Assert.Equal(["requests[1].model must be a string, not 5", "requests[1].content is required (an object)"],
            Problems(GeminiRequestValidator.BatchEmbedContents(Json("""{"requests":[{"model":"models/m","content":{"parts":[{"text":"a"}]}},{"model":5}]}"""))));
        Assert.Equal(["requests must not be empty"], Problems(GeminiRequestValidator.BatchEmbedContents(Json("""{"requests":[]}"""))));
    }
}

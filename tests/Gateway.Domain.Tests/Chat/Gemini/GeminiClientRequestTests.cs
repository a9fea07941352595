using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;

namespace Gateway.Domain.Tests.Chat.Gemini;

/// <summary>Golden readings of requests from clients that speak Gemini's generateContent, into the canonical model.</summary>
public sealed class GeminiClientRequestTests
{
    private static ChatRequest Read(string body, string model = "gemini-2.5-flash")
    {
        var (request, problems) = GeminiRequestReader.Read(model, JsonNode.Parse(body)!.AsObject());
        Assert.Empty(problems);
        return request!;
    }

    private static ChatRequest Request(
        IReadOnlyList<ChatMessage> messages, string? system = null, int? maxTokens = null, double? temperature = null, double? topP = null,
        IReadOnlyList<string>? stop = null, IReadOnlyList<ChatTool>? tools = null, ChatToolChoice? choice = null, ChatResponseFormat? format = null,
        ReasoningEffort? reasoning = null, int? thinkingBudget = null) =>
        new("gemini-2.5-flash", system, messages, maxTokens, temperature, topP, stop ?? [], tools ?? [], choice, null, format, reasoning, null, false, thinkingBudget);

    private static ChatMessage User(params ChatPart[] parts) => new(ChatRole.User, parts);

    [Fact]
    public void Should_read_turns_system_instruction_and_generation_settings()
    {
        var request = Read("""
            {"contents":[
               {"parts":[{"text":"Hi"}]},
               {"role":"model","parts":[{"text":"pondering","thought":true},{"thoughtSignature":"c2ln"},{"text":"Hello.","thoughtSignature":"c2ln"}]},
               {"role":"user","parts":[{"text":"What is this?"},{"inlineData":{"mimeType":"image/png","data":"iVBORw0K"}},
                                       {"fileData":{"mimeType":"image/jpeg","fileUri":"https://example.com/cat.jpg"}},{"fileData":{"fileUri":"https://example.com/dog"}}]}],
             "systemInstruction":{"parts":[{"text":"Be terse."},{"text":"Answer in French."}]},
             "generationConfig":{"temperature":0.4,"topP":0.9,"topK":40,"maxOutputTokens":256,"stopSequences":["END"],"candidateCount":1,"seed":7},
             "safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}]}
            """);

        Assert.Equivalent(Request(
            [
                User(new TextPart("Hi")),
                new ChatMessage(ChatRole.Assistant, [new TextPart("Hello.")]),
                User(
                    new TextPart("What is this?"),
                    new ImagePart("image/png", "iVBORw0K", null),
                    new ImagePart("image/jpeg", null, "https://example.com/cat.jpg"),
                    new ImagePart(null, null, "https://example.com/dog")),
            ],
            system: "Be terse.\nAnswer in French.", maxTokens: 256, temperature: 0.4, topP: 0.9, stop: ["END"]), request, strict: true);
    }

    [Fact]
    public void Should_give_calls_stable_ids_and_answer_each_by_its_id_or_else_the_oldest_unanswered_call_of_its_name()
    {
        const string Body = """
            {"contents":[
               {"role":"user","parts":[{"text":"Weather in Oslo, Rome and Paris?"}]},
               {"role":"model","parts":[
                 {"functionCall":{"name":"weather","args":{"city":"Oslo"}}},
                 {"functionCall":{"name":"weather","args":{"city":"Rome"}}},
                 {"functionCall":{"id":"fc-9","name":"weather","args":{"city":"Paris"}}},
                 {"functionCall":{"name":"clock"}}]},
               {"role":"user","parts":[
                 {"functionResponse":{"name":"clock","response":{"output":"12:00"}}},
                 {"functionResponse":{"id":"fc-9","name":"weather","response":{"celsius":11}}},
                 {"functionResponse":{"name":"weather","response":{"celsius":-3}}},
                 {"functionResponse":{"name":"weather","response":{"error":"no station"}}},
                 {"text":"Which is warmest?"}]}]}
            """;

        var request = Read(Body);

        Assert.Equivalent(Request(
            [
                User(new TextPart("Weather in Oslo, Rome and Paris?")),
                new ChatMessage(ChatRole.Assistant,
                [
                    new ToolCallPart("call_0", "weather", """{"city":"Oslo"}"""),
                    new ToolCallPart("call_1", "weather", """{"city":"Rome"}"""),
                    new ToolCallPart("fc-9", "weather", """{"city":"Paris"}"""),
                    new ToolCallPart("call_3", "clock", "{}"),
                ]),
                new ChatMessage(ChatRole.Tool, [new ToolResultPart("call_3", """{"output":"12:00"}""")]),
                new ChatMessage(ChatRole.Tool, [new ToolResultPart("fc-9", """{"celsius":11}""")]),
                new ChatMessage(ChatRole.Tool, [new ToolResultPart("call_0", """{"celsius":-3}""")]),
                new ChatMessage(ChatRole.Tool, [new ToolResultPart("call_1", """{"error":"no station"}""")]),
                User(new TextPart("Which is warmest?")),
            ]), request, strict: true);
        Assert.Equivalent(request, Read(Body), strict: true);
    }

    [Fact]
    public void Should_make_gemini_schemas_json_schema_and_keep_json_schemas_as_they_are()
    {
        var request = Read("""
            {"contents":[{"parts":[{"text":"Plan my day"}]}],
             "tools":[{"functionDeclarations":[
               {"name":"weather","description":"Weather now","parameters":{"type":"OBJECT","properties":{
                  "city":{"type":"STRING","description":"City name"},
                  "days":{"type":"ARRAY","items":{"type":"INTEGER"},"nullable":true},
                  "unit":{"anyOf":[{"type":"STRING","enum":["C","F"]},{"type":"NULL"}]}},
                  "required":["city"],"propertyOrdering":["city","days","unit"]}},
               {"name":"clock"},
               {"name":"agenda","parametersJsonSchema":{"type":"object","properties":{"date":{"type":"string","format":"date"}},"additionalProperties":false}}]}],
             "generationConfig":{"responseMimeType":"application/json","responseSchema":{"type":"OBJECT","properties":{"plan":{"type":"STRING","nullable":true}}}}}
            """);

        Assert.Equivalent(Request(
            [User(new TextPart("Plan my day"))],
            tools:
            [
                new ChatTool("weather", "Weather now", """
                    {"type":"object","properties":{"city":{"type":"string","description":"City name"},"days":{"type":["array","null"],"items":{"type":"integer"}},"unit":{"anyOf":[{"type":"string","enum":["C","F"]},{"type":"null"}]}},"required":["city"]}
                    """.Trim()),
                new ChatTool("clock", null, """{"type":"object","properties":{}}"""),
                new ChatTool("agenda", null, """{"type":"object","properties":{"date":{"type":"string","format":"date"}},"additionalProperties":false}"""),
            ],
            format: new ChatResponseFormat(ResponseFormatKind.JsonSchema, """{"type":"object","properties":{"plan":{"type":["string","null"]}}}""")), request, strict: true);
    }

    [Theory]
    [InlineData("""{"responseMimeType":"application/json"}""", ResponseFormatKind.JsonObject, null)]
    [InlineData("""{"responseMimeType":"application/json","responseJsonSchema":{"type":"object","propertyOrdering":["x"]}}""", ResponseFormatKind.JsonSchema, """{"type":"object","propertyOrdering":["x"]}""")]
    [InlineData("""{"responseMimeType":"text/plain"}""", null, null)]
    public void Should_read_the_response_mime_type_as_json_mode(string generationConfig, ResponseFormatKind? kind, string? schema)
    {
        var request = Read($$"""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{{generationConfig}}}""");

        Assert.Equal(kind is { } k ? new ChatResponseFormat(k, schema) : null, request.ResponseFormat);
    }

    [Theory]
    [InlineData("""{"mode":"AUTO"}""", ToolChoiceKind.Auto, null, "weather,clock,agenda")]
    [InlineData("""{"mode":"VALIDATED"}""", ToolChoiceKind.Auto, null, "weather,clock,agenda")]
    [InlineData("""{"mode":"NONE"}""", ToolChoiceKind.None, null, "weather,clock,agenda")]
    [InlineData("""{"mode":"ANY"}""", ToolChoiceKind.Required, null, "weather,clock,agenda")]
    [InlineData("""{"mode":"ANY","allowedFunctionNames":["clock"]}""", ToolChoiceKind.Named, "clock", "clock")]
    [InlineData("""{"mode":"ANY","allowedFunctionNames":["clock","agenda"]}""", ToolChoiceKind.Required, null, "clock,agenda")]
    public void Should_read_the_function_calling_mode_as_a_tool_choice(string config, ToolChoiceKind kind, string? name, string tools)
    {
        var request = Read($$"""
            {"contents":[{"parts":[{"text":"x"}]}],"toolConfig":{"functionCallingConfig":{{config}}},
             "tools":[{"functionDeclarations":[{"name":"weather"},{"name":"clock"}]},{"functionDeclarations":[{"name":"agenda"}]}]}
            """);

        Assert.Equal(new ChatToolChoice(kind, name), request.ToolChoice);
        Assert.Equal(tools.Split(','), request.Tools.Select(t => t.Name));
    }

    [Theory]
    [InlineData("""{"thinkingBudget":0}""", 0, null)]
    [InlineData("""{"thinkingBudget":-1}""", null, null)]
    [InlineData("""{"thinkingBudget":512,"includeThoughts":true}""", 512, ReasoningEffort.Low)]
    [InlineData("""{"thinkingBudget":1024}""", 1024, ReasoningEffort.Low)]
    [InlineData("""{"thinkingBudget":8192}""", 8192, ReasoningEffort.Medium)]
    [InlineData("""{"thinkingBudget":8193}""", 8193, ReasoningEffort.High)]
    [InlineData("""{"thinkingLevel":"minimal"}""", null, ReasoningEffort.Low)]
    [InlineData("""{"thinkingLevel":"LOW"}""", null, ReasoningEffort.Low)]
    [InlineData("""{"thinkingLevel":"medium"}""", null, ReasoningEffort.Medium)]
    [InlineData("""{"thinkingLevel":"high"}""", null, ReasoningEffort.High)]
    public void Should_keep_a_thinking_budget_exactly_and_as_the_nearest_effort(string thinkingConfig, int? budget, ReasoningEffort? effort)
    {
        var request = Read($$$"""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"thinkingConfig":{{{thinkingConfig}}}}}""");

        Assert.Equal((budget, effort), (request.ThinkingBudget, request.Reasoning));
    }

    [Theory]
    [InlineData(0, null, 0)]
    [InlineData(512, 1024, 512)]
    [InlineData(2000, 2000, 2000)]
    public void Should_give_upstreams_that_take_a_budget_the_exact_one(int geminiBudget, int? anthropicBudget, int geminiUpstreamBudget)
    {
        var request = Read($$$$"""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":{{{{geminiBudget}}}}}}}""");

        Assert.Equal(anthropicBudget, (int?)AnthropicRequestWriter.Write(request, "claude")["thinking"]?["budget_tokens"]);
        Assert.Equal(geminiUpstreamBudget, (int?)GeminiRequestWriter.Write(request)["generationConfig"]?["thinkingConfig"]?["thinkingBudget"]);
    }

    [Theory]
    [InlineData("""{}""", "contents must be a non-empty array")]
    [InlineData("""{"contents":[]}""", "contents must be a non-empty array")]
    [InlineData("""{"contents":["hi"]}""", "contents[0] must be an object")]
    [InlineData("""{"contents":[{"role":"system","parts":[{"text":"x"}]}]}""", "contents[0].role 'system' is not user, model or function")]
    [InlineData("""{"contents":[{"role":"user","parts":[]}]}""", "contents[0].parts must be a non-empty array")]
    [InlineData("""{"contents":[{"parts":[7]}]}""", "contents[0].parts[0] must be an object")]
    [InlineData("""{"contents":[{"parts":[{"text":7}]}]}""", "contents[0].parts[0].text must be a string")]
    [InlineData("""{"contents":[{"parts":[{"inlineData":{"mimeType":"application/pdf","data":"JVBE"}}]}]}""", "contents[0].parts[0]: inlineData of type 'application/pdf' is not supported (images are)")]
    [InlineData("""{"contents":[{"parts":[{"fileData":{"mimeType":"video/mp4","fileUri":"gs://b/v.mp4"}}]}]}""", "contents[0].parts[0]: fileData of type 'video/mp4' is not supported (images are)")]
    [InlineData("""{"contents":[{"parts":[{"fileData":{"mimeType":"image/png"}}]}]}""", "contents[0].parts[0].fileData needs a fileUri")]
    [InlineData("""{"contents":[{"role":1,"parts":[{"text":"x"}]}]}""", "contents[0].role must be a string")]
    [InlineData("""{"contents":[{"role":"model","parts":[{"functionCall":{"id":7,"name":"f"}}]}]}""", "contents[0].parts[0].functionCall.id must be a string")]
    [InlineData("""{"contents":[{"parts":[{"toolCall":{"id":"1"}}]}]}""", "contents[0].parts[0]: toolCall parts are not supported (text, inlineData, fileData, functionCall, functionResponse, executableCode and codeExecutionResult are)")]
    [InlineData("""{"contents":[{"parts":[{"thoughtSignature":"c2ln"}]}]}""", "contents[0].parts[0] has no content")]
    [InlineData("""{"contents":[{"parts":[{"functionCall":{"name":"f"}}]}]}""", "contents[0].parts[0]: functionCall parts belong in model turns")]
    [InlineData("""{"contents":[{"role":"model","parts":[{"functionResponse":{"name":"f","response":{}}}]}]}""", "contents[0].parts[0]: functionResponse parts belong in user turns")]
    [InlineData("""{"contents":[{"role":"model","parts":[{"inlineData":{"mimeType":"image/png","data":"iVBO"}}]}]}""", "contents[0].parts[0]: inlineData parts belong in user turns")]
    [InlineData("""{"contents":[{"role":"model","parts":[{"functionCall":{"args":{}}}]}]}""", "contents[0].parts[0].functionCall needs a name")]
    [InlineData("""{"contents":[{"parts":[{"functionResponse":{"response":{}}}]}]}""", "contents[0].parts[0].functionResponse needs a name")]
    [InlineData("""{"contents":[{"parts":[{"functionResponse":{"name":"f","response":{}}}]}]}""", "contents[0].parts[0].functionResponse 'f' answers no earlier functionCall")]
    [InlineData("""{"contents":[{"role":"model","parts":[{"functionCall":{"name":"f"}}]},{"parts":[{"functionResponse":{"name":"f","response":{}}},{"functionResponse":{"name":"f","response":{}}}]}]}""", "contents[1].parts[1].functionResponse 'f' answers no earlier functionCall")]
    [InlineData("""{"contents":[{"role":"model","parts":[{"functionCall":{"name":"f"}}]},{"parts":[{"functionResponse":{"id":"x","name":"f","response":{}}}]}]}""", "contents[1].parts[0].functionResponse 'f' answers no earlier functionCall")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"systemInstruction":{"parts":[{"inlineData":{"mimeType":"image/png","data":"iVBO"}}]}}""", "systemInstruction must be a content of text parts")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"systemInstruction":"Be terse."}""", "systemInstruction must be a content of text parts")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"cachedContent":"cachedContents/abc"}""", "cachedContent 'cachedContents/abc' is a Gemini context cache, which only a Gemini upstream can read")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"candidateCount":2}}""", "generationConfig.candidateCount 2 is not supported (only 1 candidate is)")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"candidateCount":"2"}}""", "generationConfig.candidateCount must be an integer")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"maxOutputTokens":1.5}}""", "generationConfig.maxOutputTokens must be an integer")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"temperature":"hot"}}""", "generationConfig.temperature must be a number")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"topP":true}}""", "generationConfig.topP must be a number")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"stopSequences":"END"}}""", "generationConfig.stopSequences must be an array of strings")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"responseModalities":["TEXT","IMAGE"]}}""", "generationConfig.responseModalities may only hold TEXT")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"responseMimeType":"text/x.enum"}}""", "generationConfig.responseMimeType 'text/x.enum' is not supported (text/plain and application/json are)")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"responseSchema":{"type":"STRING"}}}""", "generationConfig.responseSchema needs responseMimeType application/json")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"responseJsonSchema":{"type":"string"}}}""", "generationConfig.responseJsonSchema needs responseMimeType application/json")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":1024,"thinkingLevel":"low"}}}""", "generationConfig.thinkingConfig takes thinkingBudget or thinkingLevel, not both")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"thinkingConfig":{"thinkingLevel":"deep"}}}""", "generationConfig.thinkingConfig.thinkingLevel 'deep' is not minimal, low, medium or high")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":"lots"}}}""", "generationConfig.thinkingConfig.thinkingBudget must be an integer")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"tools":[{"urlContext":{}}]}""", "tools[0].urlContext is not supported (only functionDeclarations are)")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"description":"nameless"}]}]}""", "tools[0].functionDeclarations[0] needs a name")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f"}]}],"toolConfig":{"functionCallingConfig":{"mode":"SOMETIMES"}}}""", "toolConfig.functionCallingConfig.mode 'SOMETIMES' is not AUTO, ANY, VALIDATED or NONE")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f"}]}],"toolConfig":{"functionCallingConfig":{"mode":"AUTO","allowedFunctionNames":["f"]}}}""", "toolConfig.functionCallingConfig.allowedFunctionNames is only allowed with mode ANY or VALIDATED")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f"}]}],"toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["g"]}}}""", "toolConfig.functionCallingConfig.allowedFunctionNames names 'g', which no functionDeclaration declares")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f"}]}],"toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":"f"}}}""", "toolConfig.functionCallingConfig.allowedFunctionNames must be an array of strings")]
    public void Should_name_what_cannot_be_honoured(string body, string problem)
    {
        var (request, problems) = GeminiRequestReader.Read("m", JsonNode.Parse(body)!.AsObject());

        Assert.Null(request);
        Assert.Equal([problem], problems);
    }

    [Fact]
    public void Should_report_every_problem_at_once()
    {
        var (request, problems) = GeminiRequestReader.Read("m", JsonNode.Parse("""
            {"contents":[{"role":"tool","parts":[{"text":"x"}]},{"parts":[{"inlineData":{"mimeType":"audio/wav","data":"UklG"}}]}],
             "generationConfig":{"candidateCount":3}}
            """)!.AsObject());

        Assert.Null(request);
        Assert.Equal(
            [
                "contents[0].role 'tool' is not user, model or function",
                "contents[1].parts[0]: inlineData of type 'audio/wav' is not supported (images are)",
                "generationConfig.candidateCount 3 is not supported (only 1 candidate is)",
            ], problems);
    }
}

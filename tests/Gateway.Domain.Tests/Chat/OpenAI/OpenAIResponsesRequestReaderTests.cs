using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.OpenAI;

/// <summary>A Responses API request read into the canonical request, for an upstream that does not serve the Responses API.</summary>
public sealed class OpenAIResponsesRequestReaderTests
{
    private static ChatRequest Read(string body)
    {
        var (request, problems) = OpenAIResponsesRequestReader.Read(Json(body));
        Assert.Empty(problems);
        return request!;
    }

    private static IReadOnlyList<string> Refused(string body)
    {
        var (request, problems) = OpenAIResponsesRequestReader.Read(Json(body));
        Assert.Null(request);
        return problems;
    }

    [Fact]
    public void Should_read_a_string_input_as_one_user_message_with_the_instructions_as_system()
    {
        var request = Read("""{"model":"m","instructions":"be brief","input":"hi","max_output_tokens":64,"temperature":0.5,"top_p":0.9,"user":"u-1"}""");

        Assert.Equal("be brief", request.System);
        var message = Assert.Single(request.Messages);
        Assert.Equal(ChatRole.User, message.Role);
        Assert.Equal([new TextPart("hi")], message.Parts);
        Assert.Equal((64, 0.5, 0.9, "u-1"), (request.MaxTokens, request.Temperature, request.TopP, request.User));
        Assert.Empty(request.Stop);
        Assert.False(request.Stream);
    }

    [Fact]
    public void Should_read_codexs_turn_with_its_developer_messages_as_system_and_its_call_by_call_id()
    {
        var request = Read(ResponsesCases.CodexTurn);

        Assert.Equal("You are a coding agent running in the Codex CLI.\n\n<skills_instructions>\n\n<permissions instructions>", request.System);
        Assert.Equal([ChatRole.User, ChatRole.User, ChatRole.Assistant, ChatRole.Tool], request.Messages.Select(m => m.Role));
        Assert.Equal([new ToolCallPart("call_abc", "exec_command", """{"cmd":"echo hi"}""")], request.Messages[2].Parts);
        Assert.Equal([new ToolResultPart("call_abc", "Process exited with code 0\nOutput:\nhi\n")], request.Messages[3].Parts);
        Assert.Equal(["exec_command", "view_image", "multi_agent_v1__close_agent", "multi_agent_v1__spawn_agent"], request.Tools.Select(t => t.Name));
        Assert.Equal("Close an agent.\n\n(One of the tools of multi_agent_v1: Tools for spawning and managing sub-agents.)", request.Tools[2].Description);
        Assert.Equal((ToolChoiceKind.Auto, true, true, true), (request.ToolChoice!.Kind, request.ParallelToolCalls, request.IncludeThinking, request.Stream));
        Assert.Null(request.Reasoning);
    }

    [Fact]
    public void Should_join_instructions_then_system_and_developer_items_in_order()
    {
        var request = Read("""
            {"model":"m","instructions":"first","input":[
              {"role":"system","content":"second"},{"role":"user","content":"hi"},{"type":"message","role":"developer","content":[{"type":"input_text","text":"third"}]}]}
            """);

        Assert.Equal("first\n\nsecond\n\nthird", request.System);
        Assert.Equal(ChatRole.User, Assert.Single(request.Messages).Role);
    }

    [Fact]
    public void Should_read_images_given_inline_or_by_url_and_refuse_those_only_openai_holds()
    {
        var request = Read("""
            {"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"what?"},
              {"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"low"},{"type":"input_image","image_url":"https://a.example/cat.png"}]}]}
            """);
        Assert.Equal([new TextPart("what?"), new ImagePart("image/png", "AAAA", null), new ImagePart(null, null, "https://a.example/cat.png")], request.Messages[0].Parts);

        Assert.Equal(
            [
                "input[0].content[0]: images by file_id cannot be sent to this model (the file is kept by OpenAI); give the image_url, as a data: URL or an http one",
                "input[0].content[1]: parts of type 'input_file' cannot be sent to this model (input_text and input_image can)",
                "input[1].content[0]: parts of type 'input_image' cannot be sent to this model (only text can)",
                "input[2].output[0]: only text can be returned in a tool's output to this model",
            ],
            Refused("""
                {"model":"m","input":[
                  {"role":"user","content":[{"type":"input_image","file_id":"file-1"},{"type":"input_file","file_id":"file-2"}]},
                  {"role":"developer","content":[{"type":"input_image","image_url":"https://a.example/i.png"}]},
                  {"type":"function_call_output","call_id":"c","output":[{"type":"input_image","image_url":"https://a.example/i.png"}]}]}
                """));
    }

    [Fact]
    public void Should_take_a_gemini_signature_back_out_of_the_call_id_on_the_call_and_its_output()
    {
        var signed = SignedToolCallId.Write("call_1", "sig/+=");
        var request = Read($$"""
            {"model":"m","input":[{"role":"user","content":"weather?"},
              {"type":"function_call","call_id":"{{signed}}","name":"weather","arguments":"{}"},
              {"type":"function_call_output","call_id":"{{signed}}","output":[{"type":"input_text","text":"sun"},{"type":"input_text","text":"ny"}]}]}
            """);

        Assert.Equal([new ToolCallPart("call_1", "weather", "{}", "sig/+=")], request.Messages[1].Parts);
        Assert.Equal([new ToolResultPart("call_1", "sunny")], request.Messages[2].Parts);
    }

    [Fact]
    public void Should_drop_reasoning_items_and_join_the_models_items_into_one_turn()
    {
        var request = Read("""
            {"model":"m","input":[{"role":"user","content":"hi"},
              {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"thinking"}],"encrypted_content":"gAAA"},
              {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Let me check.","annotations":[]}]},
              {"type":"function_call","call_id":"c1","name":"look","arguments":""},
              {"type":"function_call_output","call_id":"c1","output":"found"},
              {"role":"assistant","content":[{"type":"refusal","refusal":"I cannot say more."}]}]}
            """);

        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], request.Messages.Select(m => m.Role));
        Assert.Equal([new TextPart("Let me check."), new ToolCallPart("c1", "look", "{}")], request.Messages[1].Parts);
        Assert.Equal([new TextPart("I cannot say more.")], request.Messages[3].Parts);
    }

    [Fact]
    public void Should_offer_a_custom_tool_as_a_function_of_its_input_and_read_its_calls_back()
    {
        var request = Read("""
            {"model":"m","tools":[{"type":"custom","name":"apply_patch","description":"Edit files.","format":{"type":"grammar","syntax":"lark","definition":"start: /.+/"}}],
             "input":[{"role":"user","content":"fix it"},{"type":"custom_tool_call","call_id":"c1","name":"apply_patch","input":"*** Begin Patch"},
                      {"type":"custom_tool_call_output","call_id":"c1","output":"applied"}]}
            """);

        var tool = Assert.Single(request.Tools);
        Assert.Equal(("apply_patch", "Edit files.\n\nThe input must follow this lark grammar:\nstart: /.+/"), (tool.Name, tool.Description));
        Assert.Equal(
            """{"type":"object","properties":{"input":{"type":"string","description":"The tool's whole input, as free text."}},"required":["input"],"additionalProperties":false}""",
            tool.ParametersJson);
        Assert.Equal([new ToolCallPart("c1", "apply_patch", """{"input":"*** Begin Patch"}""")], request.Messages[1].Parts);
        Assert.Equal([new ToolResultPart("c1", "applied")], request.Messages[2].Parts);
    }

    [Fact]
    public void Should_flatten_namespaces_to_names_every_provider_takes_and_read_their_calls_back_by_namespace()
    {
        var longSpace = new string('n', 62);
        var request = Read($$$"""
            {"model":"m","tools":[{"type":"function","name":"ns__f","parameters":{"type":"object"}},
              {"type":"namespace","name":"ns","description":"","tools":[{"type":"function","name":"f"},{"type":"function","name":"g"}]},
              {"type":"namespace","name":"{{{longSpace}}}","description":"","tools":[{"type":"function","name":"h"}]}],
             "input":[{"role":"user","content":"go"},{"type":"function_call","call_id":"c1","name":"g","namespace":"ns","arguments":"{}"},
                      {"type":"function_call","call_id":"c2","name":"f","namespace":"ns","arguments":"{}"}]}
            """);

        var names = request.Tools.Select(t => t.Name).ToList();
        Assert.Equal("ns__f", names[0]);
        Assert.Matches("^ns__f_[0-9a-f]{8}$", names[1]);
        Assert.Equal("ns__g", names[2]);
        Assert.Matches($"^{longSpace[..55]}_[0-9a-f]{{8}}$", names[3]);
        Assert.All(names, n => Assert.True(n.Length <= ResponsesToolNames.MaxNameLength));
        Assert.Equal(["ns__g", names[1]], request.Messages[1].Parts.OfType<ToolCallPart>().Select(c => c.Name));
    }

    [Theory]
    [InlineData("\"none\"", ToolChoiceKind.None, null)]
    [InlineData("\"auto\"", ToolChoiceKind.Auto, null)]
    [InlineData("\"required\"", ToolChoiceKind.Required, null)]
    [InlineData("""{"type":"function","name":"look"}""", ToolChoiceKind.Named, "look")]
    [InlineData("""{"type":"custom","name":"apply_patch"}""", ToolChoiceKind.Named, "apply_patch")]
    [InlineData("""{"type":"web_search_preview"}""", ToolChoiceKind.Named, "gateway_web_search")]
    [InlineData("""{"type":"code_interpreter"}""", ToolChoiceKind.Named, "gateway_code_execution")]
    [InlineData("""{"type":"gateway_web_search"}""", ToolChoiceKind.Named, "gateway_web_search")]
    public void Should_read_each_tool_choice(string choice, ToolChoiceKind kind, string? name) =>
        Assert.Equal(new ChatToolChoice(kind, name), Read($$"""{"model":"m","input":"x","tool_choice":{{choice}}}""").ToolChoice);

    [Fact]
    public void Should_choose_a_namespaced_function_named_alone_when_no_other_tool_has_its_name() =>
        Assert.Equal(
            new ChatToolChoice(ToolChoiceKind.Named, "multi_agent_v1__spawn_agent"),
            Read(ResponsesCases.CodexTurn.Replace("\"tool_choice\":\"auto\"", "\"tool_choice\":{\"type\":\"function\",\"name\":\"spawn_agent\"}", StringComparison.Ordinal)).ToolChoice);

    [Fact]
    public void Should_narrow_the_tools_to_those_allowed_tools_lists_with_its_mode()
    {
        var request = Read("""
            {"model":"m","input":"x",
             "tools":[{"type":"function","name":"a"},{"type":"function","name":"b"},{"type":"custom","name":"c"},
                      {"type":"namespace","name":"ns","description":"","tools":[{"type":"function","name":"d"},{"type":"function","name":"e"}]}],
             "tool_choice":{"type":"allowed_tools","mode":"required","tools":[{"type":"function","name":"b"},{"type":"custom","name":"c"},{"type":"namespace","name":"ns"}]}}
            """);

        Assert.Equal(["b", "c", "ns__d", "ns__e"], request.Tools.Select(t => t.Name));
        Assert.Equal(new ChatToolChoice(ToolChoiceKind.Required), request.ToolChoice);
    }

    [Fact]
    public void Should_read_the_text_format_as_the_response_format()
    {
        Assert.Equal(
            new ChatResponseFormat(ResponseFormatKind.JsonSchema, """{"type":"object","properties":{"a":{"type":"string"}}}""", "answer"),
            Read("""{"model":"m","input":"x","text":{"format":{"type":"json_schema","name":"answer","schema":{"type":"object","properties":{"a":{"type":"string"}}},"strict":true}}}""").ResponseFormat);
        Assert.Equal(new ChatResponseFormat(ResponseFormatKind.JsonObject), Read("""{"model":"m","input":"x","text":{"format":{"type":"json_object"}}}""").ResponseFormat);
        Assert.Null(Read("""{"model":"m","input":"x","text":{"format":{"type":"text"}}}""").ResponseFormat);
    }

    [Theory]
    [InlineData("""{"effort":"minimal"}""", ReasoningEffort.Low, null, false)]
    [InlineData("""{"effort":"low"}""", ReasoningEffort.Low, null, false)]
    [InlineData("""{"effort":"medium","summary":"concise"}""", ReasoningEffort.Medium, null, true)]
    [InlineData("""{"effort":"high"}""", ReasoningEffort.High, null, false)]
    [InlineData("""{"effort":"xhigh","generate_summary":"detailed"}""", ReasoningEffort.High, null, true)]
    [InlineData("""{"effort":"none"}""", null, 0, false)]
    [InlineData("""{"summary":"auto"}""", null, null, true)]
    public void Should_read_the_effort_as_the_nearest_canonical_one_and_a_summary_as_showing_the_thinking(string reasoning, ReasoningEffort? effort, int? budget, bool shown)
    {
        var request = Read($$"""{"model":"m","input":"x","reasoning":{{reasoning}}}""");

        Assert.Equal((effort, budget, shown), (request.Reasoning, request.ThinkingBudget, request.IncludeThinking));
    }

    [Fact]
    public void Should_prefer_the_safety_identifier_to_the_deprecated_user() =>
        Assert.Equal("safe-1", Read("""{"model":"m","input":"x","user":"u-1","safety_identifier":"safe-1"}""").User);

    [Fact]
    public void Should_refuse_hosted_tools_and_items_only_openai_can_run_naming_each()
    {
        Assert.Equal(
            [
                "input[0]: item_reference items cannot be sent to this model (the items they name are kept by OpenAI); send the items themselves",
                "input[1]: items of type 'web_search_call' cannot be sent to this model (message, function_call, function_call_output, custom_tool_call, custom_tool_call_output and reasoning can)",
                "input[2]: items of type 'local_shell_call' cannot be sent to this model (message, function_call, function_call_output, custom_tool_call, custom_tool_call_output and reasoning can)",
                "tools[1] is OpenAI's hosted tool 'file_search', which only OpenAI's Responses API can run",
                "tools[2] is OpenAI's hosted tool 'mcp', which only OpenAI's Responses API can run",
                "tool_choice chooses OpenAI's hosted tool 'file_search', which only OpenAI's Responses API can run",
            ],
            Refused("""
                {"model":"m","input":[{"type":"item_reference","id":"msg_1"},{"type":"web_search_call","id":"ws_1","status":"completed","action":{"type":"search","query":"q"}},
                  {"type":"local_shell_call","id":"lsh_1","call_id":"c","action":{}}],
                 "tools":[{"type":"web_search"},{"type":"file_search","vector_store_ids":["vs_1"]},{"type":"mcp","server_label":"x"},{"type":"code_interpreter","container":{"type":"auto"}},{"type":"gateway_web_search"}],
                 "tool_choice":{"type":"file_search"}}
                """));
    }

    [Fact]
    public void Should_read_the_gateways_own_tools_apart_from_the_functions()
    {
        var body = Json("""{"model":"m","input":"x","tools":[{"type":"gateway_web_search","max_results":3},{"type":"function","name":"look"}]}""");

        var use = Assert.Single(OpenAIResponsesRequestReader.GatewayTools(body));
        Assert.Equal((GatewayToolKind.WebSearch, """{"max_results":3}"""), (use.Kind, use.Options.ToJsonString()));
        Assert.Equal(["look"], OpenAIResponsesRequestReader.Read(body).Request!.Tools.Select(t => t.Name));
    }

    [Fact]
    public void Should_declare_the_clients_functions_by_the_names_the_model_is_offered_them_under()
    {
        var declared = OpenAIResponsesRequestReader.DeclaredFunctions(Json("""
            {"tools":[{"type":"function","name":"look"},{"type":"web_search"},{"type":"custom","name":"apply_patch"},
                      {"type":"namespace","name":"ns","description":"","tools":[{"type":"function","name":"f"}]}]}
            """));

        Assert.Equal(
            [new DeclaredFunction("look", "tools[0].name"), new DeclaredFunction("apply_patch", "tools[2].name"), new DeclaredFunction("ns__f", "tools[3].tools[0].name")],
            declared);
    }
}

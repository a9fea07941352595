using Gateway.Domain.Chat.OpenAI;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.OpenAI;

/// <summary>The Responses API's request as the gateway admits it: every bad field named by its path, in one answer.</summary>
public sealed class OpenAIResponsesRequestValidatorTests
{
    [Theory]
    [InlineData(ResponsesCases.CodexTurn)]
    [InlineData("""{"model":"m","input":"hi"}""")]
    [InlineData("""{"model":"m","previous_response_id":"resp_1"}""")]
    [InlineData("""
        {"model":"m","instructions":"be brief","background":false,
         "input":[
          {"role":"user","content":"plain"},
          {"role":"user","content":[{"type":"input_text","text":"what is this?"},{"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"low"},
            {"type":"input_image","file_id":"file-1"},{"type":"input_file","file_id":"file-2","filename":"a.pdf"}]},
          {"type":"message","role":"assistant","status":"completed","content":[{"type":"output_text","text":"a cat","annotations":[]},{"type":"refusal","refusal":"no"}]},
          {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"thought"}],"encrypted_content":"gAAA"},
          {"type":"custom_tool_call","call_id":"c2","name":"apply_patch","input":"*** Begin Patch"},
          {"type":"custom_tool_call_output","call_id":"c2","output":[{"type":"input_text","text":"done"}]},
          {"type":"item_reference","id":"msg_9"},
          {"type":"web_search_call","id":"ws_1","status":"completed","action":{"type":"search","query":"q"}},
          {"type":"some_future_item","anything":[1]}],
         "tools":[{"type":"custom","name":"apply_patch","format":{"type":"grammar","syntax":"lark","definition":"start: /.+/"}},
                  {"type":"web_search","filters":{"allowed_domains":["a.example"]}},{"type":"file_search","vector_store_ids":["vs_1"]},{"type":"gateway_web_search","max_results":3}],
         "tool_choice":{"type":"allowed_tools","mode":"required","tools":[{"type":"custom","name":"apply_patch"}]},
         "text":{"format":{"type":"json_schema","name":"answer","schema":{"type":"object"},"strict":true},"verbosity":"low"},
         "reasoning":{"effort":"xhigh","summary":"detailed"},"max_output_tokens":16,"temperature":2,"top_p":0,"truncation":"auto",
         "metadata":{"team":"a"},"stream_options":{"include_obfuscation":false},"service_tier":"flex","top_logprobs":3,"max_tool_calls":2}
        """)]
    [InlineData("""{"model":"m","input":"x","tool_choice":{"type":"web_search_preview"},"text":{"format":{"type":"json_object"}}}""")]
    [InlineData("""{"model":"m","input":"x","tool_choice":{"type":"function","name":"f"}}""")]
    public void Should_accept_requests_the_api_accepts(string body) => Assert.Empty(OpenAIResponsesRequestValidator.Validate(Json(body)));

    [Fact]
    public void Should_name_every_wrong_field_at_once_by_its_path() =>
        Assert.Equal(
            [
                "input[0].role must be one of 'user', 'assistant', 'system', 'developer', not 'robot'",
                "input[1].content[0].type must be one of 'input_text', 'input_image', 'input_file', not 'output_text'",
                "input[2].content[0].type must be one of 'output_text', 'refusal', 'input_text', not 'input_image'",
                "input[3].arguments must be a string, not an object",
                "input[4].call_id is required (a string)",
                "input[5].summary is required (an array)",
                "input[6] must be an object, not 'hi'",
                "max_output_tokens must be an integer of at least 16, not 0",
                "temperature must be a number from 0 to 2, not 3",
                "background must be false: the gateway has no background mode (a response is answered on the request that creates it)",
                "conversation is not supported: a conversation lives at one OpenAI account; continue with previous_response_id, which the gateway keeps for any upstream",
                "text.format.schema is required (an object)",
                "reasoning.effort must be one of 'none', 'minimal', 'low', 'medium', 'high', 'xhigh', not 'max'",
                "tools[0].name is required (a string)",
                "tools[1].tools[0].type must be one of 'function', 'custom', not 'web_search'",
                "tool_choice.mode must be one of 'auto', 'required', not 'sometimes'",
            ],
            Problems(OpenAIResponsesRequestValidator.Validate(Json("""
                {"model":"m","input":[
                  {"role":"robot","content":"x"},
                  {"role":"user","content":[{"type":"output_text","text":"t"}]},
                  {"role":"assistant","content":[{"type":"input_image","image_url":"https://a.example/i.png"}]},
                  {"type":"function_call","call_id":"c","name":"f","arguments":{}},
                  {"type":"function_call_output","output":"42"},
                  {"type":"reasoning","id":"rs_1"},
                  "hi"],
                 "max_output_tokens":0,"temperature":3,"background":true,"conversation":"conv_1",
                 "text":{"format":{"type":"json_schema","name":"answer"}},"reasoning":{"effort":"max"},
                 "tools":[{"type":"function"},{"type":"namespace","name":"ns","tools":[{"type":"web_search"}]}],
                 "tool_choice":{"type":"allowed_tools","mode":"sometimes","tools":[]}}
                """))));

    [Theory]
    [InlineData("""{"model":"m"}""", "input is required (a string or an array of input items)")]
    [InlineData("""{"model":"m","input":5}""", "input must be a string or an array of input items, not 5")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","detail":"low"}]}]}""", "input[0].content[0] needs an image_url or a file_id")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","image_url":"u","detail":"huge"}]}]}""",
        "input[0].content[0].detail must be one of 'low', 'high', 'auto', 'original', not 'huge'")]
    [InlineData("""{"model":"m","input":[{"type":"function_call_output","call_id":"c","output":[{"type":"output_text","text":"x"}]}]}""",
        "input[0].output[0].type must be one of 'input_text', 'input_image', 'input_file', not 'output_text'")]
    [InlineData("""{"model":"m","input":[{"type":"item_reference"}]}""", "input[0].id is required (a string)")]
    [InlineData("""{"model":"m","input":[{"type":"message","role":"user","content":"x","status":"done"}]}""",
        "input[0].status must be one of 'in_progress', 'completed', 'incomplete', not 'done'")]
    [InlineData("""{"model":"m","input":"x","tools":[{"type":"custom","name":"p","format":{"type":"grammar","syntax":"ebnf","definition":"x"}}]}""",
        "tools[0].format.syntax must be one of 'lark', 'regex', not 'ebnf'")]
    [InlineData("""{"model":"m","input":"x","tools":[{"type":"gateway_web_search"},{"type":"gateway_web_search"}]}""",
        "tools[1] asks for gateway_web_search a second time (a request names each gateway tool once)")]
    [InlineData("""{"model":"m","input":"x","tool_choice":{"type":"function"}}""", "tool_choice.name is required (a string)")]
    [InlineData("""{"model":"m","input":"x","tool_choice":"any"}""", "tool_choice must be one of 'none', 'auto', 'required', not 'any'")]
    [InlineData("""{"model":"m","input":"x","text":{"format":{"type":"xml"}}}""", "text.format.type must be one of 'text', 'json_object', 'json_schema', not 'xml'")]
    [InlineData("""{"model":"m","input":"x","reasoning":{"summary":"brief"}}""", "reasoning.summary must be one of 'auto', 'concise', 'detailed', not 'brief'")]
    [InlineData("""{"model":"m","input":"x","top_p":1.5}""", "top_p must be a number from 0 to 1, not 1.5")]
    [InlineData("""{"model":"m","input":"x","truncation":"middle"}""", "truncation must be one of 'auto', 'disabled', not 'middle'")]
    [InlineData("""{"model":"m","input":"x","store":"no"}""", "store must be true or false, not 'no'")]
    [InlineData("""{"model":"m","input":"x","include":["reasoning.encrypted_content",3]}""", "include[1] must be a string, not 3")]
    [InlineData("""{"model":"m","input":"x","metadata":{"n":1}}""", "metadata.n must be a string, not 1")]
    public void Should_name_what_is_wrong(string body, string problem) => Assert.Equal([problem], Problems(OpenAIResponsesRequestValidator.Validate(Json(body))));

    [Fact]
    public void Should_hold_metadata_to_openais_limits()
    {
        static IReadOnlyList<string> Check(string metadata) => Problems(OpenAIResponsesRequestValidator.Validate(Json("""{"model":"m","input":"x","metadata":""" + metadata + "}")));
        var longKey = new string('k', 65);

        Assert.Equal(["metadata must have at most 16 pairs, not 17"], Check("{" + string.Join(",", Enumerable.Range(0, 17).Select(i => $"\"k{i}\":\"v\"")) + "}"));
        Assert.Equal(
            [$"metadata.{longKey} is a key of 65 characters (at most 64)", "metadata.ok is a value of 513 characters (at most 512)"],
            Check($"{{\"{longKey}\":\"v\",\"ok\":\"{new string('v', 513)}\"}}"));
        Assert.Empty(Check($"{{\"{new string('k', 64)}\":\"{new string('v', 512)}\"}}"));
    }
}

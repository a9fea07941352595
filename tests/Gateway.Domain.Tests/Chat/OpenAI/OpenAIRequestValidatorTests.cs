using Gateway.Domain.Chat.OpenAI;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.OpenAI;

public sealed class OpenAIRequestValidatorTests
{
    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""
        {"model":"m","messages":[
          {"role":"developer","content":[{"type":"text","text":"be brief"}]},
          {"role":"system","content":"s","name":"policy"},
          {"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}},
            {"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}},{"type":"file","file":{"file_id":"file-1"}}]},
          {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"look","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"a cat"}]},
          {"role":"assistant","content":[{"type":"refusal","refusal":"no"}],"refusal":"no"},
          {"role":"function","name":"legacy","content":null}],
         "max_tokens":null,"max_completion_tokens":100,"n":1,"stream":true,"stream_options":{"include_usage":true},"temperature":0,"top_p":1,
         "stop":["\n"],"parallel_tool_calls":false,"reasoning_effort":"low","user":"u-1","seed":7,"logprobs":true,"x_vendor":{"anything":[1]},
         "tools":[{"type":"function","function":{"name":"look","description":"d","parameters":{"type":"object"},"strict":true}},{"type":"web_search_preview"}],
         "tool_choice":{"type":"function","function":{"name":"look"}},
         "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"},"strict":true}}}
        """)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stop":"END","tool_choice":"required","response_format":{"type":"json_object"}}""")]
    public void Should_accept_chat_requests_the_api_accepts(string body) => Assert.Empty(OpenAIRequestValidator.Chat(Json(body)));

    [Fact]
    public void Should_name_every_wrong_chat_field_at_once_by_its_path() =>
        Assert.Equal(
            [
                "messages[0].role must be one of 'system', 'developer', 'user', 'assistant', 'tool', 'function', not 'robot'",
                "messages[1].content[0].type must be one of 'text', 'image_url', 'input_audio', 'file', not 'video'",
                "messages[2].tool_call_id is required (a string)",
                "messages[3] must be an object, not 'hi'",
                "max_tokens must be a positive integer, not 'lots'",
                "n must be a positive integer, not 0",
                "stream must be true or false, not 'yes'",
                "temperature must be a number from 0 to 2, not 3",
                "tools[0].function.name is required (a string)",
                "tool_choice must be one of 'none', 'auto', 'required', not 'sometimes'",
            ],
            Problems(OpenAIRequestValidator.Chat(Json("""
                {"model":"m","messages":[{"role":"robot","content":"x"},{"role":"user","content":[{"type":"video"}]},{"role":"tool","content":"42"},"hi"],
                 "max_tokens":"lots","n":0,"stream":"yes","temperature":3,"tools":[{"type":"function","function":{}}],"tool_choice":"sometimes"}
                """))));

    [Theory]
    [InlineData("""{"messages":[]}""", "messages must not be empty")]
    [InlineData("""{"messages":[{"role":"assistant"}]}""", "messages[0].content is required (a string or an array of content parts)")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"max_tokens":1.0}""", "max_tokens must be a positive integer, not 1.0")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"max_tokens":3000000000}""", "max_tokens must be at most 2147483647, not 3000000000")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"stop":5}""", "stop must be a string or an array of strings, not 5")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{}}}""", "response_format.json_schema.name is required (a string)")]
    [InlineData("""{"messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":{}}}]}]}""",
        "messages[0].tool_calls[0].function.arguments must be a string, not an object")]
    public void Should_name_what_is_wrong(string body, string problem) => Assert.Equal([problem], Problems(OpenAIRequestValidator.Chat(Json(body))));

    [Theory]
    [InlineData("""{"input":"hi"}""")]
    [InlineData("""{"input":["a","b"],"dimensions":256,"encoding_format":"base64","user":"u"}""")]
    [InlineData("""{"input":[1,2,3]}""")]
    [InlineData("""{"input":[[1,2],[3]]}""")]
    public void Should_accept_embedding_inputs_of_each_kind(string body) => Assert.Empty(OpenAIRequestValidator.Embeddings(Json(body)));

    [Theory]
    [InlineData("""{}""", "input is required (a string, an array of strings or an array of tokens)")]
    [InlineData("""{"input":""}""", "input must not be an empty string")]
    [InlineData("""{"input":["a",2]}""", "input[1] must be a string, not 2")]
    [InlineData("""{"input":[[1],[]]}""", "input[1] must not be empty")]
    [InlineData("""{"input":[1,-1]}""", "input[1] must be a non-negative integer, not -1")]
    [InlineData("""{"input":"a","encoding_format":"hex"}""", "encoding_format must be one of 'float', 'base64', not 'hex'")]
    public void Should_refuse_embedding_inputs_openai_refuses(string body, string problem) =>
        Assert.Equal([problem], Problems(OpenAIRequestValidator.Embeddings(Json(body))));

    [Fact]
    public void Should_take_moderation_input_as_text_or_parts()
    {
        Assert.Empty(OpenAIRequestValidator.Moderations(Json("""{"input":["a","b"]}""")));
        Assert.Empty(OpenAIRequestValidator.Moderations(Json("""{"input":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}""")));
        Assert.Equal(["input must be a string, an array of strings or an array of text and image_url parts, not 5"],
            Problems(OpenAIRequestValidator.Moderations(Json("""{"input":5}"""))));
    }
}

using Gateway.Domain.Chat.Anthropic;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.Anthropic;

public sealed class AnthropicRequestValidatorTests
{
    /// <summary>The shape of a Claude Code turn: cached system blocks, tools, thinking, a tool round trip, a beta block the gateway only knows by name.</summary>
    private const string ClaudeCodeLike = """
        {"model":"m","max_tokens":32000,"stream":true,"temperature":1,"metadata":{"user_id":"user_abc"},
         "system":[{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}}],
         "thinking":{"type":"enabled","budget_tokens":31999},
         "tools":[{"name":"Bash","description":"Run","input_schema":{"type":"object","properties":{"command":{"type":"string"}}}},
                  {"type":"web_search_20250305","name":"web_search","max_uses":5}],
         "tool_choice":{"type":"auto","disable_parallel_tool_use":false},
         "messages":[
           {"role":"user","content":[{"type":"text","text":"list files"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]},
           {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"sig"},{"type":"redacted_thinking","data":"xyz"},
             {"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}]},
           {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"a.txt"}],"is_error":false},
             {"type":"document","source":{"type":"text","media_type":"text/plain","data":"doc"}},{"type":"compaction","content":"earlier turns"}]}],
         "context_management":{"edits":[]}}
        """;

    [Fact]
    public void Should_accept_what_claude_code_sends() => Assert.Empty(AnthropicRequestValidator.Messages(Json(ClaudeCodeLike)));

    [Fact]
    public void Should_accept_count_tokens_without_max_tokens() =>
        Assert.Empty(AnthropicRequestValidator.CountTokens(Json("""{"model":"m","messages":[{"role":"user","content":"hi"}],"thinking":{"type":"disabled"}}""")));

    [Fact]
    public void Should_name_every_wrong_field_at_once_by_its_path() =>
        Assert.Equal(
            [
                "messages[0].role must be one of 'user', 'assistant', not 'system'",
                "messages[1].content[0].type must be one of 'text', 'image', 'document', 'search_result', 'thinking', 'redacted_thinking', 'tool_use', 'tool_result', "
                    + "'server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result', 'advisor_tool_result', 'code_execution_tool_result', "
                    + "'bash_code_execution_tool_result', 'text_editor_code_execution_tool_result', 'tool_search_tool_result', 'mcp_tool_use', 'mcp_tool_result', "
                    + "'container_upload', 'compaction', 'tool_reference', 'tool_addition', 'tool_removal', 'mcp_tool_listing', 'fallback', not 'banana'",
                "messages[1].content[1].source.type must be one of 'base64', 'url', 'file', not 'ftp'",
                "max_tokens is required (a positive integer)",
                "system must be a string or an array of text blocks, not 5",
                "temperature must be a number from 0 to 1, not 1.5",
                "top_k must be a non-negative integer, not -1",
                "stop_sequences must be an array, not 'END'",
                "tools[0].input_schema is required (an object)",
                "tool_choice.name is required (a string)",
                "thinking.budget_tokens must be an integer of at least 1024, not 100",
            ],
            Problems(AnthropicRequestValidator.Messages(Json("""
                {"model":"m","messages":[{"role":"system","content":"x"},{"role":"user","content":[{"type":"banana"},{"type":"image","source":{"type":"ftp"}}]}],
                 "system":5,"temperature":1.5,"top_k":-1,"stop_sequences":"END","tools":[{"name":"f"}],"tool_choice":{"type":"tool"},
                 "thinking":{"type":"enabled","budget_tokens":100}}
                """))));

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text"}]}]}]}""", "messages[0].content[0].content[0].text is required (a string)")]
    [InlineData("""{"messages":[{"role":"user"}]}""", "messages[0].content is required (a string or an array of content blocks)")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"stream":"true"}""", "stream must be true or false, not 'true'")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"metadata":{"user_id":5}}""", "metadata.user_id must be a string, not 5")]
    public void Should_name_what_is_wrong(string body, string problem) => Assert.Equal([problem], Problems(AnthropicRequestValidator.CountTokens(Json(body))));
}

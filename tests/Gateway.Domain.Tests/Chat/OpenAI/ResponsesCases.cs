using System.Text.Json.Nodes;

namespace Gateway.Domain.Tests.Chat.OpenAI;

/// <summary>What the Responses tests share: the request Codex CLI 0.171.0 sent on its second turn, cut short but keeping its shape.</summary>
internal static class ResponsesCases
{
    /// <summary>
    /// Every top-level key Codex sent, its developer messages (two parts in one), its function tools (<c>strict: false</c>),
    /// its <c>multi_agent_v1</c> namespace, and the function call and output it sent back after the model's call.
    /// </summary>
    public const string CodexTurn = """
        {"model":"fake-model","stream":true,
         "input":[
          {"type":"message","id":"msg_02252a5b","role":"developer","content":[{"type":"input_text","text":"You are a coding agent running in the Codex CLI."}]},
          {"type":"message","id":"msg_01a23413a","role":"developer","content":[{"type":"input_text","text":"<skills_instructions>"},{"type":"input_text","text":"<permissions instructions>"}]},
          {"type":"message","id":"msg_01a23413b","role":"user","content":[{"type":"input_text","text":"<environment_context>"}]},
          {"type":"message","id":"msg_01a23413c","role":"user","content":[{"type":"input_text","text":"Please call the tool"}]},
          {"type":"function_call","status":"completed","id":"fc_1","name":"exec_command","arguments":"{\"cmd\":\"echo hi\"}","call_id":"call_abc"},
          {"type":"function_call_output","id":"fco_01a23413","call_id":"call_abc","output":"Process exited with code 0\nOutput:\nhi\n"}],
         "tools":[
          {"type":"function","name":"exec_command","description":"Runs a command in a PTY.","strict":false,
           "parameters":{"type":"object","properties":{"cmd":{"type":"string","description":"Shell command to execute."}},"required":["cmd"],"additionalProperties":false}},
          {"type":"function","name":"view_image","description":"View a local image.","strict":false,"parameters":{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}},
          {"type":"namespace","name":"multi_agent_v1","description":"Tools for spawning and managing sub-agents.","tools":[
            {"type":"function","name":"close_agent","description":"Close an agent.","strict":false,"parameters":{"type":"object","properties":{"target":{"type":"string"}},"required":["target"]}},
            {"type":"function","name":"spawn_agent","description":"Spawn an agent.","strict":false,"parameters":{"type":"object","properties":{}}}]}],
         "tool_choice":"auto","parallel_tool_calls":true,"reasoning":{"summary":"auto"},"store":false,"include":["reasoning.encrypted_content"],
         "prompt_cache_key":"01a23413-eee4","client_metadata":{"session_id":"01a23413-eee4","turn_id":"01a23413-ef0d"}}
        """;

    /// <summary>Whether a node is the JSON written out, compared as written by the same serializer (which escapes quotes inside strings its own way).</summary>
    public static void AssertJson(string expected, JsonNode? actual) => Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), actual?.ToJsonString());
}

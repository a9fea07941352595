using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference.Responses;

/// <summary>
/// Codex CLI itself (npm <c>@openai/codex</c>, pinned in tests/js) with a custom provider whose base URL is the
/// gateway and <c>wire_api = "responses"</c>, answering through a chat-completions-only OpenAI-compatible upstream.
/// Its HOME and CODEX_HOME are throwaway folders; its hosted web search and its retries are switched off.
/// </summary>
public sealed class CodexCliTests(PostgresFixture postgres) : ResponsesTestBase(postgres)
{
    private const string Command = "echo gateway-ok";

    [Fact]
    public async Task Should_answer_codex_exec_from_a_chat_completions_only_upstream()
    {
        var run = await CodexAsync("Say hello");

        Assert.True(run.ExitCode == 0, $"codex exec failed ({run.ExitCode}):\n{run.StdErr}\n{run.StdOut}");
        Assert.Equal("Hello from the fake upstream", run.StdOut.Trim());
        var received = Assert.Single(ChatUpstream.Requests);
        Assert.Equal("/v1/chat/completions", received.Path);
        Assert.Equal(JsonValueKind.True, received.Body["stream"]?.GetValueKind());
        var tools = received.Body["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]).ToList();
        Assert.Contains("exec_command", tools);
        // Codex groups its sub-agent functions in a namespace tool; a chat upstream gets them as plain functions.
        Assert.Contains(tools, name => name!.Contains("spawn_agent", StringComparison.Ordinal));
        Assert.All(received.Body["tools"]!.AsArray(), t => Assert.Equal("function", (string?)t!["type"]));
        await Server.FlushUsageAsync();
        Assert.Equal(1L, await Db.ScalarAsync<long>("select count(*) from usage_records where dialect = 'responses' and endpoint = '/v1/responses' and status = 200"));
    }

    [Fact]
    public async Task Should_run_the_command_the_model_asks_codex_for_and_send_its_output_back_under_the_same_call_id()
    {
        ChatUpstream.Script("up-chat", FakeOpenAIUpstream.Reply.ToolCall("exec_command", JsonSerializer.Serialize(new { cmd = Command })), FakeOpenAIUpstream.Reply.Ok("The command printed gateway-ok."));

        var run = await CodexAsync("Run echo gateway-ok");

        Assert.True(run.ExitCode == 0, $"codex exec failed ({run.ExitCode}):\n{run.StdErr}\n{run.StdOut}");
        Assert.Equal("The command printed gateway-ok.", run.StdOut.Trim());
        Assert.Equal(2, ChatUpstream.Requests.Count);
        var messages = ChatUpstream.Requests.Last().Body["messages"]!.AsArray();
        var call = messages.Single(m => m!["tool_calls"] is JsonArray)!["tool_calls"]!.AsArray().Single()!;
        Assert.Equal(("exec_command", Command), ((string?)call["function"]!["name"], (string?)JsonNode.Parse((string)call["function"]!["arguments"]!)!["cmd"]));
        var output = messages.Single(m => (string?)m!["role"] == "tool")!;
        Assert.Equal((string?)call["id"], (string?)output["tool_call_id"]);
        Assert.Contains("gateway-ok", ToolText(output), StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>codex exec</c>, non-interactive (stdin closed, approvals and sandbox off so it runs the command itself),
    /// ephemeral, in a throwaway folder, configured by a config.toml in its own CODEX_HOME.
    /// </summary>
    private async Task<JsClients.Run> CodexAsync(string prompt)
    {
        var home = Directory.CreateTempSubdirectory("gateway-codex-").FullName;
        try
        {
            var codexHome = Directory.CreateDirectory(Path.Combine(home, ".codex")).FullName;
            var work = Directory.CreateDirectory(Path.Combine(home, "work")).FullName;
            await File.WriteAllTextAsync(Path.Combine(codexHome, "config.toml"), $"""
                model = "{ChatModel}"
                model_provider = "gateway"
                web_search = "disabled"

                [model_providers.gateway]
                name = "Gateway"
                base_url = "{new Uri(Server.Client.BaseAddress!, "/v1")}"
                env_key = "GATEWAY_KEY"
                wire_api = "responses"
                request_max_retries = 0
                stream_max_retries = 0
                """, Ct);
            return await JsClients.NodeAsync(
                ["node_modules/@openai/codex/bin/codex.js", "exec", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", "--ephemeral", "-C", work, prompt],
                new Dictionary<string, string> { ["HOME"] = home, ["CODEX_HOME"] = codexHome, ["GATEWAY_KEY"] = Secret },
                TimeSpan.FromSeconds(90));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>A tool message's text, whether its content is a string or text parts.</summary>
    private static string ToolText(JsonNode message) =>
        message["content"] is JsonArray parts ? string.Concat(parts.Select(p => (string?)p!["text"])) : (string)message["content"]!;
}

using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference.Anthropic;

/// <summary>
/// Claude Code itself (the npm CLI, pinned in tests/js) with <c>ANTHROPIC_BASE_URL</c> pointed at the
/// gateway and an OpenAI-compatible model behind it: its streamed, tool-laden requests are translated
/// and its answer printed. Its home is a throwaway folder and its outside traffic is switched off.
/// </summary>
public sealed class ClaudeCodeTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    [Fact]
    public async Task Should_answer_claude_code_from_an_openai_compatible_upstream()
    {
        var home = Directory.CreateTempSubdirectory("gateway-claude-code-").FullName;
        try
        {
            var run = await JsClients.NodeAsync(["node_modules/@anthropic-ai/claude-code/cli.js", "-p", "Say hello"], new Dictionary<string, string>
            {
                ["HOME"] = home,
                ["ANTHROPIC_BASE_URL"] = Server.Client.BaseAddress!.ToString().TrimEnd('/'),
                ["ANTHROPIC_API_KEY"] = Secret,
                ["ANTHROPIC_MODEL"] = "fake:gpt-4o-mini",
                ["ANTHROPIC_SMALL_FAST_MODEL"] = "fake:gpt-4o-mini",
                ["DISABLE_TELEMETRY"] = "1",
                ["DISABLE_AUTOUPDATER"] = "1",
                ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
            }, TimeSpan.FromSeconds(90));

            Assert.True(run.ExitCode == 0, $"claude -p failed ({run.ExitCode}):\n{run.StdErr}\n{run.StdOut}");
            Assert.Equal("Hello from the fake upstream", run.StdOut.Trim());
            // Besides its answer, Claude Code may ask the small model side questions (unstreamed, in any order).
            Assert.Contains(Upstream.Requests, r => r.Body["stream"]?.GetValueKind() == System.Text.Json.JsonValueKind.True && r.Body["tools"] is System.Text.Json.Nodes.JsonArray { Count: > 0 });
            await UsageRecords.LastAsync(Server, Db);
            Assert.Equal(Upstream.Requests.Count, (int)await Db.ScalarAsync<long>("select count(*) from usage_records where dialect = 'anthropic' and endpoint = '/v1/messages' and status = 200"));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}

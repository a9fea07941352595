using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Features.Tools;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Inference;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// The gateway of <see cref="EveryDialectTestBase"/> with the fallback chains "claude-then-openai" and
/// "gemini-then-openai", both gateway tools enabled as <see cref="FakeTool"/>s, and <c>tools.intercept_native</c> as the
/// class says. Requests go as raw wire JSON, so a test can tell what reached the upstream exactly.
/// </summary>
public abstract class NativeToolTestBase(PostgresFixture postgres) : EveryDialectTestBase(postgres)
{
    internal const string ToOpenAI = OpenAIModel;
    internal const string ToClaude = ClaudeModel;
    internal const string ToGemini = GeminiModel;

    /// <summary>What the fake OpenAI upstream answers once it has the search's result: it cites the result.</summary>
    internal const string Cited = "Example Domain is kept for documentation [1].";

    internal FakeToolStarter Tools { get; } = new();

    /// <summary>The operator's <c>tools.intercept_native</c>.</summary>
    protected abstract bool InterceptNative { get; }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["aliases:claude-then-openai:0"] = ClaudeModel, ["aliases:claude-then-openai:1"] = OpenAIModel,
        ["aliases:gemini-then-openai:0"] = GeminiModel, ["aliases:gemini-then-openai:1"] = OpenAIModel,
        ["tools:web_search:enabled"] = "true", ["tools:web_search:url"] = "http://127.0.0.1:9",
        ["tools:code_execution:enabled"] = "true",
        ["tools:intercept_native"] = InterceptNative ? "true" : "false",
    };

    private protected override Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Services =>
        builder => builder.Services.AddSingleton<IToolStarter>(Tools);

    /// <summary>The fake OpenAI upstream calls the gateway function, then answers <see cref="Cited"/>.</summary>
    internal void OpenAICalls(string function, string argumentsJson) =>
        OpenAIUpstream.Script("up-1", FakeOpenAIUpstream.Reply.ToolCall(function, argumentsJson), FakeOpenAIUpstream.Reply.Ok(Cited));

    internal Task<HttpResponseMessage> AnthropicAsync(string model, JsonObject tool, bool stream = false) =>
        PostAsync(AnthropicClient, "/v1/messages", new JsonObject
        {
            ["model"] = model, ["max_tokens"] = 50, ["stream"] = stream,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is example.com?" }),
            ["tools"] = new JsonArray(tool),
        });

    internal Task<HttpResponseMessage> GeminiAsync(string model, JsonObject tool, bool stream = false) =>
        PostAsync(GeminiClient, $"/v1beta/models/{model}:{(stream ? "streamGenerateContent?alt=sse" : "generateContent")}", new JsonObject
        {
            ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = "What is example.com?" }) }),
            ["tools"] = new JsonArray(tool),
        });

    internal Task<HttpResponseMessage> OpenAIAsync(string model, bool stream = false) =>
        PostAsync(OpenAIClient, "/v1/chat/completions", new JsonObject
        {
            ["model"] = model, ["stream"] = stream,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is example.com?" }),
            ["web_search_options"] = new JsonObject { ["search_context_size"] = "low" },
        });

    internal static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();

    internal static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, JsonObject body) =>
        client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
}

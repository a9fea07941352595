using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;
using OpenAI.Chat;
using static Gateway.Host.Tests.Features.Inference.Gemini.GeminiWire;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>
/// JSON schemas of OpenAI and Gemini clients reaching an Anthropic upstream as Anthropic's structured outputs
/// (<c>output_config.format</c>, no beta header), and as a system instruction where the provider is set to the prompt.
/// </summary>
public sealed class AnthropicStructuredOutputsTests(PostgresFixture postgres) : ClaudeProviderTestBase(postgres)
{
    private const string Schema = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},"required":["name","age"]}""";

    private static ChatCompletionOptions JsonSchema() =>
        new() { ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("person", BinaryData.FromString(Schema)) };

    [Fact]
    public async Task Should_send_an_openai_sdk_json_schema_to_claude_as_native_structured_outputs()
    {
        await Sdk("claude:claude-sonnet-4-5").CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Invent a person")], JsonSchema(), TestContext.Current.CancellationToken);

        var received = Assert.Single(ClaudeUpstream.Requests);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"format":{"type":"json_schema","schema":{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","description":"{\"minimum\":0}"}},"required":["name","age"],"additionalProperties":false}}}"""),
            received.Body["output_config"]), received.Body["output_config"]!.ToJsonString());
        Assert.Equal("Be brief.", (string?)received.Body["system"]);
        Assert.Equal(("2023-06-01", null), (received.Version, received.Beta));
    }

    [Fact]
    public async Task Should_send_a_gemini_clients_response_schema_to_claude_as_native_structured_outputs()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var response = await PostAsync(http, "/v1beta/models/claude:claude-sonnet-4-5:generateContent", """
            {"contents":[{"role":"user","parts":[{"text":"Invent a person"}]}],
             "generationConfig":{"responseMimeType":"application/json","responseSchema":{"type":"OBJECT","properties":{"name":{"type":"STRING"}},"required":["name"]}}}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(ClaudeUpstream.Requests).Body;
        Assert.Equal(
            """{"format":{"type":"json_schema","schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}}}""",
            received["output_config"]!.ToJsonString());
        Assert.Null(received["system"]);
    }

    [Fact]
    public async Task Should_ask_for_the_schema_in_the_system_prompt_from_a_provider_declared_with_structured_outputs_prompt()
    {
        await Admin.OkAsync(HttpMethod.Put, "/v1/providers/compat", new
        {
            type = "anthropic", base_url = ClaudeUpstream.BaseUrl.ToString(), models = new[] { "claude-sonnet-4-5" }, structured_outputs = "prompt",
        });
        await Admin.OkAsync(HttpMethod.Post, "/v1/provider-keys", new { provider = "compat", key = "sk-compat-0123456789abcdef", label = "compat" }, HttpStatusCode.Created);
        var misplaced = await Admin.SendAsync(HttpMethod.Put, "/v1/providers/other", new { type = "openai", structured_outputs = "prompt" });

        await Sdk("compat:claude-sonnet-4-5").CompleteChatAsync([new UserChatMessage("Invent a person")], JsonSchema(), TestContext.Current.CancellationToken);

        var received = Assert.Single(ClaudeUpstream.Requests).Body;
        Assert.Null(received["output_config"]);
        Assert.Equal($"Respond with a single JSON object that conforms to this JSON Schema, and nothing else: {Schema}", (string?)received["system"]);
        Assert.Equal(HttpStatusCode.BadRequest, misplaced.StatusCode);
        Assert.Contains("structured_outputs applies only to anthropic providers", await misplaced.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}

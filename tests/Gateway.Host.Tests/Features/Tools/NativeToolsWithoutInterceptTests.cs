using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// <c>tools.intercept_native: false</c> (the default): a provider's own tools reach an upstream of their own dialect as
/// they came; a target of another kind, which would drop them, is left out of the request's chain, and with none left
/// the request is refused with 400 <c>native_tool_unsupported</c> in the client's dialect, naming the tool and
/// intercept_native.
/// </summary>
public sealed class NativeToolsWithoutInterceptTests(PostgresFixture postgres) : NativeToolTestBase(postgres)
{
    protected override bool InterceptNative => false;

    [Theory]
    [InlineData("""{"type":"web_search_20250305","name":"web_search"}""", "tools[0] (web_search_20250305)")]
    [InlineData("""{"type":"code_execution_20250522","name":"code_execution"}""", "tools[0] (code_execution_20250522)")]
    public async Task An_anthropic_native_tool_for_another_upstream_is_refused_naming_it(string entry, string named)
    {
        using var response = await AnthropicAsync(ToOpenAI, JsonNode.Parse(entry)!.AsObject());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Contains(named, (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("tools.intercept_native", (string?)error["message"], StringComparison.Ordinal);
        Assert.Empty(OpenAIUpstream.Requests);
    }

    [Theory]
    [InlineData("googleSearch")]
    [InlineData("codeExecution")]
    public async Task A_gemini_native_tool_for_another_upstream_is_refused_naming_it(string key)
    {
        using var response = await GeminiAsync(ToOpenAI, new JsonObject { [key] = new JsonObject() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal("INVALID_ARGUMENT", (string?)error["status"]);
        Assert.Contains($"tools[0].{key}", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("tools.intercept_native", (string?)error["message"], StringComparison.Ordinal);
        Assert.Empty(OpenAIUpstream.Requests);
    }

    [Fact]
    public async Task OpenAIs_web_search_options_for_another_upstream_are_refused_not_dropped()
    {
        using var response = await OpenAIAsync(ToClaude);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal("native_tool_unsupported", (string?)error["code"]);
        Assert.Contains("web_search_options", (string?)error["message"], StringComparison.Ordinal);
        Assert.Empty(ClaudeUpstream.Requests);
    }

    [Fact]
    public async Task A_native_tool_still_reaches_an_upstream_of_its_own_dialect_as_it_came()
    {
        const string entry = """{"type":"web_search_20250305","name":"web_search","max_uses":1}""";

        using var response = await AnthropicAsync(ToClaude, JsonNode.Parse(entry)!.AsObject());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(entry, Assert.Single(ClaudeUpstream.Requests).Body["tools"]![0]!.ToJsonString());
    }

    [Fact]
    public async Task A_fallback_chain_keeps_only_its_targets_of_the_tools_own_kind()
    {
        for (var i = 0; i < 3; i++)
            GeminiUpstream.Refuse("AIza-only-project-key-0000000001", 503, """{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}""");

        using var response = await GeminiAsync("gemini-then-openai", new JsonObject { ["googleSearch"] = new JsonObject() });

        // The Gemini key, benched after its failures, was the only one the request could use.
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotEmpty(GeminiUpstream.Requests);
        Assert.Empty(OpenAIUpstream.Requests);
    }

    [Fact]
    public async Task A_native_tool_beside_a_gateway_tool_is_refused_pointing_at_intercept_native()
    {
        var tools = new JsonArray(new JsonObject { ["gatewayCodeExecution"] = new JsonObject() }, new JsonObject { ["googleSearch"] = new JsonObject() });

        using var response = await PostAsync(GeminiClient, $"/v1beta/models/{ToGemini}:generateContent", new JsonObject
        {
            ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = "Hi" }) }),
            ["tools"] = tools,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (string?)(await JsonAsync(response))["error"]!["message"];
        Assert.Contains("tools[1].googleSearch", message, StringComparison.Ordinal);
        Assert.Contains("tools.intercept_native", message, StringComparison.Ordinal);
        Assert.Empty(GeminiUpstream.Requests);
    }

    [Fact]
    public async Task GET_tools_says_native_tools_are_not_intercepted()
    {
        using var response = await OpenAIClient.GetAsync("/v1/tools", TestContext.Current.CancellationToken);

        Assert.False((bool?)(await JsonAsync(response))["intercept_native"]);
    }
}

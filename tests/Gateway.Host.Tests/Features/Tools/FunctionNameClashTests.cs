using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>
/// A client function named as the function the gateway offers the model for a tool the same request asks for
/// (<c>gateway_web_search</c>, <c>gateway_code_execution</c>) is refused with 400 in the client's dialect, naming the
/// function where it is declared, before any upstream is called; without that tool in the request the name is the client's.
/// </summary>
public sealed class FunctionNameClashTests(PostgresFixture postgres) : NativeToolTestBase(postgres)
{
    protected override bool InterceptNative => true;

    [Fact]
    public async Task An_openai_function_named_as_a_requested_gateway_tool_is_refused_with_its_path()
    {
        using var response = await PostAsync(OpenAIClient, "/v1/chat/completions", new JsonObject
        {
            ["model"] = ToOpenAI,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }),
            ["tools"] = new JsonArray(
                new JsonObject { ["type"] = "gateway_web_search" },
                new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "gateway_web_search" } }),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal("tools[1].function.name", (string?)error["param"]);
        Assert.Contains("'gateway_web_search' is the name of the function the gateway offers", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(0, UpstreamRequests);
    }

    [Fact]
    public async Task An_anthropic_tool_named_as_a_requested_gateway_tool_is_refused_naming_it()
    {
        using var response = await PostAsync(AnthropicClient, "/v1/messages", new JsonObject
        {
            ["model"] = ToClaude, ["max_tokens"] = 20,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }),
            ["tools"] = new JsonArray(
                new JsonObject { ["name"] = "gateway_code_execution", ["input_schema"] = new JsonObject { ["type"] = "object" } },
                new JsonObject { ["type"] = "gateway_code_execution", ["name"] = "code_execution" }),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.StartsWith("tools[0].name 'gateway_code_execution' is the name of the function", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(0, UpstreamRequests);
    }

    [Fact]
    public async Task A_gemini_declaration_named_as_a_requested_gateway_tool_is_refused_with_its_path()
    {
        using var response = await PostAsync(GeminiClient, $"/v1beta/models/{ToGemini}:generateContent", new JsonObject
        {
            ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = "Hi" }) }),
            ["tools"] = new JsonArray(
                new JsonObject { ["gatewayWebSearch"] = new JsonObject() },
                new JsonObject { ["functionDeclarations"] = new JsonArray(new JsonObject { ["name"] = "gateway_web_search" }) }),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal("INVALID_ARGUMENT", (string?)error["status"]);
        Assert.StartsWith("tools[1].functionDeclarations[0].name 'gateway_web_search'", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(0, UpstreamRequests);
    }

    [Fact]
    public async Task A_function_named_as_the_gateway_tool_standing_in_for_a_native_one_is_refused_saying_so()
    {
        using var response = await PostAsync(AnthropicClient, "/v1/messages", new JsonObject
        {
            ["model"] = ToOpenAI, ["max_tokens"] = 20,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }),
            ["tools"] = new JsonArray(
                new JsonObject { ["type"] = "web_search_20250305", ["name"] = "web_search" },
                new JsonObject { ["name"] = "gateway_web_search", ["input_schema"] = new JsonObject { ["type"] = "object" } }),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("in place of tools[0] (web_search_20250305)", (string?)(await JsonAsync(response))["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal(0, UpstreamRequests);
    }

    [Fact]
    public async Task A_function_of_that_name_is_the_clients_own_when_the_request_asks_for_no_such_tool()
    {
        using var response = await PostAsync(OpenAIClient, "/v1/chat/completions", new JsonObject
        {
            ["model"] = ToOpenAI,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }),
            ["tools"] = new JsonArray(new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "gateway_web_search" } }),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gateway_web_search", (string?)Assert.Single(OpenAIUpstream.Requests).Body["tools"]![0]!["function"]!["name"]);
    }
}

using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;
using static Gateway.Domain.Tests.Chat.ValidatorCases;

namespace Gateway.Domain.Tests.Chat.GatewayTools;

/// <summary>
/// The provider-native tools each dialect names, read as the gateway tools that can stand in for them (with the options
/// that map), and skipped by the canonical readers, which leave them to be decided per upstream.
/// </summary>
public sealed class NativeToolRequestTests
{
    [Fact]
    public void Should_read_anthropics_web_search_with_its_name_limits_and_domains_and_nothing_else()
    {
        var use = Assert.Single(AnthropicNativeTools.Read(Json("""
            {"tools":[{"name":"weather","input_schema":{"type":"object"}},
                      {"type":"web_search_20250305","name":"web_search","max_uses":2,"allowed_domains":["a.example"],"blocked_domains":["b.example"],
                       "user_location":{"type":"approximate","city":"Oslo"},"cache_control":{"type":"ephemeral"}}]}
            """)));

        Assert.Equal("tools[1] (web_search_20250305)", use.Entry);
        Assert.Equal((GatewayToolKind.WebSearch, "web_search", 2), (use.StandIn.Kind, use.StandIn.Name, use.StandIn.MaxUses));
        Assert.Equal("""{"allowed_domains":["a.example"],"blocked_domains":["b.example"]}""", use.StandIn.Options.ToJsonString());
    }

    [Theory]
    [InlineData("code_execution_20250522", GatewayToolKind.CodeExecution)]
    [InlineData("code_execution_20250825", GatewayToolKind.CodeExecution)]
    [InlineData("web_search_20260209", GatewayToolKind.WebSearch)]
    public void Should_know_every_dated_version_of_anthropics_search_and_code_execution(string type, GatewayToolKind kind) =>
        Assert.Equal(kind, AnthropicNativeTools.KindOf(type));

    [Theory]
    [InlineData("web_fetch_20250910")]
    [InlineData("bash_20250124")]
    [InlineData("web_search_latest")]
    [InlineData("gateway_web_search")]
    public void Should_leave_anthropics_other_server_tools_alone(string type) => Assert.Null(AnthropicNativeTools.KindOf(type));

    [Fact]
    public void Should_skip_anthropics_search_and_code_execution_when_reading_the_canonical_request()
    {
        var (request, problems) = AnthropicRequestReader.Read(Json("""
            {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],
             "tools":[{"type":"web_search_20250305","name":"web_search"},{"type":"code_execution_20250825","name":"code_execution"},{"name":"weather","input_schema":{"type":"object"}}]}
            """));

        Assert.Empty(problems);
        Assert.Equal(["weather"], request!.Tools.Select(t => t.Name));
        Assert.Empty(request.GatewayTools);
    }

    [Fact]
    public void Should_check_anthropics_search_options_as_anthropic_does() =>
        Assert.Equal(
            ["tools[0].max_uses must be a positive integer, not 0", "tools[0].allowed_domains[0] must be a string, not 7"],
            AnthropicRequestValidator.Messages(Json("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search_20250305","name":"web_search","max_uses":0,"allowed_domains":[7]}]}
                """)).Select(p => $"{p.Path} {p.Problem}"));

    [Fact]
    public void Should_read_geminis_search_and_code_execution_by_either_spelling_with_excluded_domains_as_blocked()
    {
        var uses = GeminiNativeTools.Read(Json("""
            {"tools":[{"googleSearch":{"excludeDomains":["b.example"],"timeRangeFilter":{}}},{"code_execution":{}},{"functionDeclarations":[{"name":"f"}]},{"urlContext":{}}]}
            """));

        Assert.Equal(["tools[0].googleSearch", "tools[1].code_execution"], uses.Select(u => u.Entry));
        Assert.Equal([GatewayToolKind.WebSearch, GatewayToolKind.CodeExecution], uses.Select(u => u.StandIn.Kind));
        Assert.Equal("""{"blocked_domains":["b.example"]}""", uses[0].StandIn.Options.ToJsonString());
    }

    [Fact]
    public void Should_skip_geminis_search_and_code_execution_when_reading_the_canonical_request()
    {
        var (request, problems) = GeminiRequestReader.Read("m", Json("""
            {"contents":[{"parts":[{"text":"hi"}]}],"tools":[{"google_search":{}},{"codeExecution":{},"functionDeclarations":[{"name":"f"}]}]}
            """));

        Assert.Empty(problems);
        Assert.Equal(["f"], request!.Tools.Select(t => t.Name));
    }

    [Fact]
    public void Should_read_openais_web_search_options_as_a_search_without_options()
    {
        var use = Assert.Single(OpenAINativeTools.Read(Json("""{"web_search_options":{"search_context_size":"high"}}""")));

        Assert.Equal(("web_search_options", GatewayToolKind.WebSearch), (use.Entry, use.StandIn.Kind));
        Assert.Empty(use.StandIn.Options);
        Assert.Empty(OpenAINativeTools.Read(Json("""{"model":"m"}""")));
    }

    [Fact]
    public void Should_not_count_openais_web_search_options_among_the_fields_a_translation_drops() =>
        Assert.Equal(["seed"], UnmappedFields.OfOpenAIChat(Json("""{"model":"m","messages":[],"web_search_options":{},"seed":1}""")));

    [Fact]
    public void Should_read_the_responses_apis_hosted_search_with_its_allowed_domains_and_its_code_interpreter()
    {
        var uses = OpenAIResponsesNativeTools.Read(Json("""
            {"tools":[{"type":"function","name":"look"},
                      {"type":"web_search","filters":{"allowed_domains":["a.example"]},"search_context_size":"high","user_location":{"type":"approximate","city":"Oslo"}},
                      {"type":"code_interpreter","container":{"type":"auto"}},{"type":"file_search","vector_store_ids":["vs_1"]}]}
            """));

        Assert.Equal(["tools[1] (web_search)", "tools[2] (code_interpreter)"], uses.Select(u => u.Entry));
        Assert.Equal([GatewayToolKind.WebSearch, GatewayToolKind.CodeExecution], uses.Select(u => u.StandIn.Kind));
        Assert.Equal("""{"allowed_domains":["a.example"]}""", uses[0].StandIn.Options.ToJsonString());
        Assert.Equal("{}", uses[1].StandIn.Options.ToJsonString());
    }

    [Theory]
    [InlineData("web_search", GatewayToolKind.WebSearch)]
    [InlineData("web_search_preview", GatewayToolKind.WebSearch)]
    [InlineData("web_search_2025_08_26", GatewayToolKind.WebSearch)]
    [InlineData("web_search_preview_2025_03_11", GatewayToolKind.WebSearch)]
    [InlineData("code_interpreter", GatewayToolKind.CodeExecution)]
    [InlineData("web_search_latest", null)]
    [InlineData("file_search", null)]
    [InlineData("gateway_web_search", null)]
    public void Should_know_the_responses_hosted_tools_the_gateway_can_stand_in_for(string type, GatewayToolKind? kind) =>
        Assert.Equal(kind, OpenAIResponsesNativeTools.KindOf(type));
}

using System.Net;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Inference.Responses.ResponsesWire;

namespace Gateway.Host.Tests.Features.Inference.Responses;

/// <summary>
/// <c>strict_translation: true</c> for Responses requests: a field the translation to another dialect would drop is
/// refused, named, for a translated target; an upstream that serves the Responses API takes the same body as it is.
/// </summary>
public sealed class ResponsesStrictTranslationTests(PostgresFixture postgres) : ResponsesTestBase(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["strict_translation"] = "true" };

    private static string WithServiceTier(string model) => $$"""{"model":"{{model}}","input":"Say hello","service_tier":"flex"}""";

    [Theory]
    [InlineData(ChatModel)]
    [InlineData(ClaudeModel)]
    [InlineData(GeminiModel)]
    public async Task Should_refuse_an_unmapped_field_for_a_translated_target_naming_it(string model)
    {
        using var refused = await PostAsync(Http, WithServiceTier(model));

        var error = await ErrorAsync(refused);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.StartsWith("strict translation is on, and service_tier cannot be carried to " + model, (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_pass_the_same_field_to_an_upstream_that_serves_the_responses_api()
    {
        using var answer = await PostAsync(Http, WithServiceTier(NativeModel));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("flex", (string?)Assert.Single(NativeUpstream.Requests).Body["service_tier"]);
    }

    [Fact]
    public async Task Should_carry_what_translation_maps_and_the_hints_codex_sends()
    {
        using var answer = await PostAsync(Http, """
            {"model":"chat:gpt-4o-mini","input":"Say hello","store":false,"metadata":{"team":"docs"},"prompt_cache_key":"k1","include":["reasoning.encrypted_content"],"max_output_tokens":50,"temperature":0.2}
            """);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(0.2, (double)Assert.Single(ChatUpstream.Requests).Body["temperature"]!);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Inference.Responses.ResponsesWire;

namespace Gateway.Host.Tests.Features.Inference.Responses;

/// <summary>
/// The gateway's refusals of a Responses request, in OpenAI's error shape as the chat dialect gives them: a spent
/// budget, the key's rate limit, a model the key may not use, bad input, what the gateway does not offer, an
/// unknown previous response, every upstream key limited; and a served answer's usage record and budget charge.
/// </summary>
public sealed class ResponsesRefusalTests(PostgresFixture postgres) : ResponsesTestBase(postgres)
{
    private static string Hello(string model, string more = "") => $$"""{"model":"{{model}}","input":"Say hello"{{more}}}""";

    [Fact]
    public async Task Should_charge_a_served_answer_to_the_budget_and_refuse_the_next_with_402_once_it_is_spent()
    {
        // $1 a completion token, prompts free: max_output_tokens 16 (OpenAI's least) holds $16, the fake's 7 tokens cost $7;
        // of $20, the second request's $16 no longer fits.
        await Admin.OkAsync(HttpMethod.Post, "/v1/pricing", new { model = ChatModel, input_per_million = 0, output_per_million = 1_000_000, cached_input_per_million = 0 }, HttpStatusCode.Created);
        var budget = (string)(await Admin.OkAsync(HttpMethod.Post, "/v1/budgets", new { name = "team", org_id = OrgId, limit_usd = 20m, period = "month", time_zone = "UTC" }, HttpStatusCode.Created))["id"]!;

        using var served = await PostAsync(Http, Hello(ChatModel, ""","max_output_tokens":16"""));
        await Server.FlushUsageAsync();
        using var refused = await PostAsync(Http, Hello(ChatModel, ""","max_output_tokens":16"""));

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(7m, await Db.ScalarAsync<decimal>($"select spent_usd from budget_periods where budget_id = '{budget}'"));
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        Assert.Equal("budget_exceeded", (string?)(await ErrorAsync(refused))["code"]);
        Assert.Single(ChatUpstream.Requests);
    }

    [Fact]
    public async Task Should_record_a_served_answers_usage_as_the_responses_dialect_with_the_upstreams_tokens()
    {
        using var answer = await PostAsync(Http, Hello(ChatModel));

        var record = await UsageRecords.LastAsync(Server, Db);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(("responses", "/v1/responses", 200), ((string?)record!["dialect"], (string?)record["endpoint"], (int)record["status"]!));
        Assert.Equal((12, 7, 3), ((int)record["prompt_tokens"]!, (int)record["completion_tokens"]!, (int)record["cached_tokens"]!));
    }

    [Fact]
    public async Task Should_enforce_the_keys_requests_per_minute_with_429_and_retry_after()
    {
        using var limited = await ClientAsync(new { org_id = OrgId, name = "two a minute", rpm_limit = 2 });

        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(limited, Hello(ChatModel))).StatusCode);
        using var third = await PostAsync(limited, Hello(ChatModel));

        var error = await ErrorAsync(third);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal(("rate_limit_exceeded", "rate_limit_error"), ((string?)error["code"], (string?)error["type"]));
        Assert.InRange(int.Parse(third.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), 55, 60);
        Assert.Equal(2, ChatUpstream.Requests.Count);
    }

    [Fact]
    public async Task Should_refuse_a_model_the_key_may_not_use_with_403()
    {
        using var restricted = await ClientAsync(new { org_id = OrgId, name = "claude only", allowed_models = new[] { "claude:*" } });

        using var denied = await PostAsync(restricted, Hello(ChatModel));
        using var allowed = await PostAsync(restricted, Hello(ClaudeModel));

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("model_not_allowed", (string?)(await ErrorAsync(denied))["code"]);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Empty(ChatUpstream.Requests);
    }

    [Theory]
    [InlineData("""{"model":"chat:gpt-4o-mini","input":5}""", "input")]
    [InlineData("""{"model":"chat:gpt-4o-mini","input":"hi","max_output_tokens":0}""", "max_output_tokens")]
    [InlineData("""{"model":"chat:gpt-4o-mini","input":"hi","temperature":3}""", "temperature")]
    [InlineData("""{"model":"chat:gpt-4o-mini","input":[{"type":"message","role":"user","content":[{"type":"input_text"}]}]}""", "input[0].content[0].text")]
    [InlineData("""{"model":"chat:gpt-4o-mini","input":"hi","background":true}""", "background")]
    public async Task Should_refuse_a_malformed_or_unoffered_request_with_400_naming_the_field(string body, string param)
    {
        using var refused = await PostAsync(Http, body);

        var error = await ErrorAsync(refused);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(("invalid_request_error", param), ((string?)error["type"], (string?)error["param"]));
        Assert.Empty(ChatUpstream.Requests);
    }

    [Fact]
    public async Task Should_refuse_a_body_that_is_not_json_with_400()
    {
        using var refused = await PostAsync(Http, """{"model":"chat:gpt-4o-mini","input":""");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_request_error", (string?)(await ErrorAsync(refused))["type"]);
    }

    [Fact]
    public async Task Should_refuse_an_unknown_previous_response_with_previous_response_not_found()
    {
        using var refused = await PostAsync(Http, Hello(NativeModel, ""","previous_response_id":"resp_never_made" """));

        var error = await ErrorAsync(refused);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(("previous_response_not_found", "previous_response_id"), ((string?)error["code"], (string?)error["param"]));
        Assert.Equal("Previous response with id 'resp_never_made' not found.", (string?)error["message"]);
        Assert.Empty(NativeUpstream.Requests);
    }

    [Theory]
    [InlineData(NativeModel, "up-native")]
    [InlineData(ChatModel, "up-chat")]
    public async Task Should_answer_429_with_retry_after_when_every_key_of_the_pool_is_limited(string model, string key)
    {
        (model == NativeModel ? NativeUpstream : ChatUpstream).Script(key, FakeOpenAIUpstream.Reply.RateLimited(20));

        using var refused = await PostAsync(Http, Hello(model));

        var error = await ErrorAsync(refused);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(("all_keys_exhausted", "rate_limit_error"), ((string?)error["code"], (string?)error["type"]));
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), 19, 20);
    }

    [Fact]
    public async Task Should_answer_a_body_over_the_limit_with_413_in_openais_shape()
    {
        var huge = new JsonObject { ["model"] = ChatModel, ["input"] = new string('a', 33 * 1024 * 1024) }.ToJsonString();

        using var refused = await PostAsync(Http, huge);

        var error = await ErrorAsync(refused);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(("request_too_large", "invalid_request_error"), ((string?)error["code"], (string?)error["type"]));
        Assert.Empty(ChatUpstream.Requests);
    }

    /// <summary>Raw HTTP with a new key of this organisation issued as <paramref name="key"/> asks.</summary>
    private async Task<HttpClient> ClientAsync(object key)
    {
        var (_, secret) = await Admin.IssueKeyAsync(key);
        var client = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }
}

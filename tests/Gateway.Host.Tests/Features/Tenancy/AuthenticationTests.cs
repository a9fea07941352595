using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tenancy;

/// <summary>Keys are accepted where each SDK sends them, and refusals come in that SDK's error shape.</summary>
public sealed class AuthenticationTests(PostgresFixture postgres) : TenancyTestBase(postgres)
{
    private async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(string path, Action<HttpRequestMessage> credentials)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        credentials(request);
        var response = await Server.Client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject());
    }

    [Fact]
    public async Task Should_accept_a_key_in_every_place_a_dialects_sdk_sends_it()
    {
        var org = await Admin.CreateOrganizationAsync();
        var (_, secret) = await Admin.IssueKeyAsync(new { org_id = org, name = "k" });

        var bearer = await SendAsync("/v1/me", r => r.Headers.Add("Authorization", $"Bearer {secret}"));
        var anthropic = await SendAsync("/v1/me", r => r.Headers.Add("x-api-key", secret));
        var google = await SendAsync("/v1/me", r => r.Headers.Add("x-goog-api-key", secret));
        var query = await SendAsync($"/v1/me?key={secret}", _ => { });

        Assert.All([bearer, anthropic, google, query], r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All([bearer, anthropic, google, query], r => Assert.Equal(org, (string?)r.Body["org_id"]));
    }

    [Fact]
    public async Task Should_refuse_a_bad_bearer_key_in_the_openai_error_shape()
    {
        var (status, body) = await SendAsync("/v1/me", r => r.Headers.Add("Authorization", "Bearer gw_nottherightkeynottherightkeynottherightkey1"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("authentication_error", (string?)body["error"]!["type"]);
        Assert.Equal("invalid_api_key", (string?)body["error"]!["code"]);
        Assert.False(string.IsNullOrEmpty((string?)body["error"]!["message"]));
    }

    [Fact]
    public async Task Should_refuse_a_bad_x_api_key_in_the_anthropic_error_shape()
    {
        var (status, body) = await SendAsync("/v1/me", r => r.Headers.Add("x-api-key", "sk-ant-wrong"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("error", (string?)body["type"]);
        Assert.Equal("authentication_error", (string?)body["error"]!["type"]);
    }

    [Fact]
    public async Task Should_refuse_a_bad_google_key_in_the_gemini_error_shape_from_header_or_query()
    {
        var header = await SendAsync("/v1/me", r => r.Headers.Add("x-goog-api-key", "AIza-wrong"));
        var query = await SendAsync("/v1/me?key=AIza-wrong", _ => { });

        foreach (var (status, body) in new[] { header, query })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal(401, (int)body["error"]!["code"]!);
            Assert.Equal("UNAUTHENTICATED", (string?)body["error"]!["status"]);
        }
    }

    [Fact]
    public async Task Should_say_how_to_send_a_key_when_none_was_sent()
    {
        var (status, body) = await SendAsync("/v1/me", _ => { });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("missing_api_key", (string?)body["error"]!["code"]);
        Assert.Contains("x-api-key", (string?)body["error"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_never_echo_the_presented_secret_in_a_refusal()
    {
        const string secret = "gw_thisisthesecretthisisthesecretthisisthesec";

        var (_, body) = await SendAsync("/v1/me", r => r.Headers.Add("Authorization", $"Bearer {secret}"));

        Assert.DoesNotContain("thisisthesecret", body.ToJsonString(), StringComparison.Ordinal);
    }
}

using System.Net;
using Gateway.Host.Tests.Infrastructure;
using Reply = Gateway.Host.Tests.Fakes.FakeOpenAIUpstream.Reply;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>Operators see why a key is out: disabled with the upstream's reason, or cooling down until when.</summary>
public sealed class ProviderStatusTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    [Fact]
    public async Task Should_show_a_disabled_keys_reason_and_a_cooling_keys_deadline_without_revealing_any_key()
    {
        Upstream.Script("up-1", Reply.Status(401, """{"error":{"message":"Incorrect API key provided: up-1***"}}"""));
        Upstream.Script("up-2", Reply.RateLimited(120));
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync()).StatusCode);

        var detail = await Admin.OkAsync(HttpMethod.Get, "/v1/providers/fake");
        var list = await Admin.SendAsync(HttpMethod.Get, "/v1/providers");
        var keys = detail["keys"]!.AsArray().ToDictionary(k => (string)k!["label"]!, k => k!);

        Assert.Equal("disabled", (string?)keys["key 1"]["state"]);
        Assert.Equal("upstream answered 401: Incorrect API key provided: up-1***", (string?)keys["key 1"]["disabled_reason"]);
        Assert.Equal("cooling_down", (string?)keys["key 2"]["state"]);
        Assert.NotNull(keys["key 2"]["quotas"]!["gpt-4o-mini"]!["cooldown_until"]);
        Assert.Equal("active", (string?)keys["key 3"]["state"]);
        Assert.Equal(1L, (long)keys["key 3"]["total_requests"]!);
        Assert.Equal("", (string?)keys["key 3"]["last_four"]);
        Assert.DoesNotContain("up-3", detail.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(1, (int)detail["provider"]!["keys_available"]!);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.DoesNotContain("\"up-", await list.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_show_provider_keys_to_the_platform_admin_only()
    {
        var (_, orgAdminSecret) = await Admin.IssueKeyAsync(new { user_id = await Admin.CreateUserAsync(OrgId, "admin"), name = "org admin" });

        var response = await Admin.As(orgAdminSecret).SendAsync(HttpMethod.Get, "/v1/providers/fake");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Features.Inference;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Http;

/// <summary>A caller's X-Request-Id follows the request into its usage record and audit event, and comes back.</summary>
public sealed class RequestIdTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    private const string Body = """{"model":"fake:gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""";

    private async Task<(string? Echoed, string? Recorded)> ChatAsync(string? requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        if (requestId is not null)
            request.Headers.TryAddWithoutValidation("X-Request-Id", requestId);
        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var record = await LastUsageRecordAsync();
        return (response.Headers.TryGetValues("X-Request-Id", out var values) ? values.Single() : null, (string?)record!["request_id"]);
    }

    [Fact]
    public async Task Should_record_and_echo_the_callers_request_id()
    {
        var (echoed, recorded) = await ChatAsync("client-req:42_a.b");

        Assert.Equal(("client-req:42_a.b", "client-req:42_a.b"), (echoed, recorded));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("has spaces in it")]
    [InlineData("semi;colon/slash")]
    public async Task Should_use_and_echo_its_own_id_when_the_caller_sends_none_or_an_unusable_one(string? sent)
    {
        var (echoed, recorded) = await ChatAsync(sent);

        Assert.False(string.IsNullOrEmpty(echoed));
        Assert.NotEqual(sent, echoed);
        Assert.Equal(echoed, recorded);
    }

    [Fact]
    public async Task Should_ignore_an_id_longer_than_128_characters()
    {
        var (echoed, _) = await ChatAsync(new string('a', 129));

        Assert.NotEqual(new string('a', 129), echoed);
        Assert.Equal("exactly-128", (await ChatAsync("exactly-128")).Echoed);
    }

    [Fact]
    public async Task Should_put_the_callers_request_id_on_the_audit_event_of_a_change()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/organizations") { Content = new StringContent("""{"name":"Traced"}""", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", GatewayServer.AdminToken);
        request.Headers.TryAddWithoutValidation("X-Request-Id", "change-7");
        using var created = await Server.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var org = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["id"]!;

        var audit = await Admin.OkAsync(HttpMethod.Get, $"/v1/audit?resource_id={org}");

        Assert.Equal("change-7", (string?)audit["data"]![0]!["correlation_id"]);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Providers;

/// <summary>Routing keeps only the targets whose provider serves what the request needs.</summary>
public sealed class CapabilityRoutingTests(PostgresFixture postgres) : IAsyncLifetime
{
    private FakeOpenAIUpstream _chatOnly = null!;
    private FakeOpenAIUpstream _full = null!;
    private TestDatabase _db = null!;
    private GatewayServer _server = null!;
    private HttpClient _http = null!;
    private TenancyApi _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _chatOnly = await FakeOpenAIUpstream.StartAsync();
        _full = await FakeOpenAIUpstream.StartAsync();
        _db = await postgres.NewDatabaseAsync(nameof(CapabilityRoutingTests));
        var config = new GatewayConfig(
                TestProviders.OpenAI("vllm", _chatOnly.BaseUrl).Models("llama").Keys("up-1").Capabilities("chat"),
                TestProviders.OpenAI("openai", _full.BaseUrl).Models("text-embedding-3-small").Keys("up-2"))
            .Alias("embed", "vllm:llama", "openai:text-embedding-3-small")
            .Flatten();
        _server = await GatewayServer.StartAsync(_db.ConnectionString, _db.Schema, config);
        _admin = TenancyApi.Admin(_server);
        var org = await _admin.CreateOrganizationAsync();
        var (_, secret) = await _admin.IssueKeyAsync(new { org_id = org, name = "capabilities" });
        _http = new HttpClient { BaseAddress = _server.Client.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _admin.Dispose();
        await _server.DisposeAsync();
        await _db.DisposeAsync();
        await _chatOnly.DisposeAsync();
        await _full.DisposeAsync();
    }

    [Fact]
    public async Task A_request_its_only_target_cannot_serve_gets_501_naming_the_provider_and_what_it_serves()
    {
        using var response = await _http.PostAsJsonAsync("/v1/embeddings", new { model = "vllm:llama", input = "hi" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Equal("capability_not_served", (string?)error["code"]);
        Assert.Equal("provider 'vllm' (vllm:llama) is configured without embeddings (its capabilities: chat)", (string?)error["message"]);
        Assert.Empty(_chatOnly.Requests);
    }

    [Fact]
    public async Task A_fallback_chain_skips_the_target_that_cannot_serve_the_request()
    {
        using var response = await _http.PostAsJsonAsync("/v1/embeddings", new { model = "embed", input = "hi" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_chatOnly.Requests);
        Assert.Equal("text-embedding-3-small", (string?)Assert.Single(_full.Requests).Body["model"]);
    }

    [Fact]
    public async Task What_it_serves_it_still_serves_and_the_provider_shows_its_capabilities()
    {
        using var chat = await _http.PostAsJsonAsync(
            "/v1/chat/completions", new { model = "vllm:llama", messages = new[] { new { role = "user", content = "hi" } } }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);

        using var shown = await _admin.SendAsync(HttpMethod.Get, "/v1/providers/vllm");
        var provider = JsonNode.Parse(await shown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(["chat"], provider["provider"]!["capabilities"]!.AsArray().Select(c => (string)c!));
    }
}

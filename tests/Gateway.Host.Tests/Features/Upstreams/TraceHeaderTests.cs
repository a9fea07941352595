using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Upstreams;

/// <summary>The gateway's trace ids stay in the gateway: no upstream call carries trace headers, even while something traces.</summary>
public sealed class TraceHeaderTests(PostgresFixture postgres) : IAsyncLifetime
{
    private FakeOpenAIUpstream _upstream = null!;
    private TestDatabase _db = null!;
    private GatewayServer _server = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeOpenAIUpstream.StartAsync();
        _db = await postgres.NewDatabaseAsync(nameof(TraceHeaderTests));
        var config = new GatewayConfig(TestProviders.OpenAI("openai", _upstream.BaseUrl).Models("gpt-4o-mini").Keys("up-1")).Flatten();
        _server = await GatewayServer.StartAsync(_db.ConnectionString, _db.Schema, config);
        using var admin = TenancyApi.Admin(_server);
        var (_, secret) = await admin.IssueKeyAsync(new { org_id = await admin.CreateOrganizationAsync(), name = "traced" });
        _http = new HttpClient { BaseAddress = _server.Client.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _db.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task An_upstream_call_carries_no_traceparent_while_every_activity_source_is_listened_to()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        using var response = await _http.PostAsJsonAsync("/v1/chat/completions",
            new { model = "openai:gpt-4o-mini", messages = new[] { new { role = "user", content = "hi" } } }, TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        Assert.Single(_upstream.Requests);
        Assert.Empty(_upstream.TraceParents);
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>
/// A gateway whose provider "fake" (OpenAI-compatible, keys up-1..up-3) and "backup" (one key) are fake
/// upstreams on 127.0.0.1, and a virtual key of an organisation to call it with.
/// </summary>
public abstract class InferenceTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    internal FakeOpenAIUpstream Upstream { get; private set; } = null!;

    internal FakeOpenAIUpstream Backup { get; private set; } = null!;

    internal TestDatabase Db { get; private set; } = null!;

    internal GatewayServer Server { get; private set; } = null!;

    internal Task<System.Text.Json.Nodes.JsonObject?> LastUsageRecordAsync() => UsageRecords.LastAsync(Server, Db);

    internal TenancyApi Admin { get; private set; } = null!;

    internal string Secret { get; private set; } = "";

    internal string OrgId { get; private set; } = "";

    /// <summary>The configuration every server of the test runs with (a second instance uses it too).</summary>
    internal IReadOnlyDictionary<string, string?> Config { get; private set; } = null!;

    internal HttpClient Http { get; private set; } = null!;

    /// <summary>Pool strategy of the "fake" provider; round robin makes the key order predictable.</summary>
    protected virtual string Strategy => "round_robin";

    /// <summary>Settings a test class adds to every server it starts.</summary>
    private protected virtual IEnumerable<KeyValuePair<string, string?>> MoreConfig => [];

    /// <summary>The gateway's clock; null for the system's.</summary>
    protected virtual TimeProvider? Clock => null;

    /// <summary>Services a test class adds to the gateway (a loop source, a stand-in for a feature); null for none.</summary>
    private protected virtual Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? Services => null;

    /// <summary>Starts what the configuration names before the server reads it (a tool's backend); nothing by default.</summary>
    private protected virtual ValueTask BeforeServerAsync() => ValueTask.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        await BeforeServerAsync();
        Upstream = await FakeOpenAIUpstream.StartAsync();
        Backup = await FakeOpenAIUpstream.StartAsync();
        Db = await postgres.NewDatabaseAsync(GetType().Name);
        Config = new GatewayConfig(
                TestProviders.OpenAI("fake", Upstream.BaseUrl).Strategy(Strategy).Models("gpt-4o-mini", "gpt-4o").Keys("up-1", "up-2", "up-3"),
                TestProviders.OpenAI("backup", Backup.BaseUrl).Models("backup-model").Keys("backup-1"))
            .Alias("smart", "fake:gpt-4o", "backup:backup-model")
            .With(MoreConfig)
            .Flatten();
        Server = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, Config, configure: Services, time: Clock);
        Admin = TenancyApi.Admin(Server);
        OrgId = await Admin.CreateOrganizationAsync();
        (_, Secret) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "inference" });
        Http = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
    }

    public virtual async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Admin.Dispose();
        await Server.DisposeAsync();
        await Db.DisposeAsync();
        await Upstream.DisposeAsync();
        await Backup.DisposeAsync();
    }

    internal Task<HttpResponseMessage> ChatAsync(string model = "fake:gpt-4o-mini", bool stream = false, bool includeUsage = false) =>
        Http.PostAsJsonAsync("/v1/chat/completions", new Dictionary<string, object?>
        {
            ["model"] = model,
            ["messages"] = new[] { new { role = "user", content = "Say hello" } },
            ["stream"] = stream,
            ["stream_options"] = includeUsage ? new { include_usage = true } : null,
            ["x_vendor_extension"] = new { keep = "me" },
        }.Where(p => p.Value is not null).ToDictionary());
}

using System.ClientModel;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>A gateway in front of one fake upstream that a subclass starts, and a virtual key to call it with.</summary>
public abstract class SingleProviderTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    internal TestDatabase Db { get; private set; } = null!;

    internal GatewayServer Server { get; private set; } = null!;

    internal Task<System.Text.Json.Nodes.JsonObject?> LastUsageRecordAsync() => UsageRecords.LastAsync(Server, Db);

    internal TenancyApi Admin { get; private set; } = null!;

    internal string Secret { get; private set; } = "";

    /// <summary>Starts the fake upstream and returns the configuration of the providers pointing at it.</summary>
    private protected abstract Task<GatewayConfig> StartUpstreamAsync();

    protected abstract ValueTask StopUpstreamAsync();

    /// <summary>The gateway's clock; null for the system's.</summary>
    protected virtual TimeProvider? Clock => null;

    public async ValueTask InitializeAsync()
    {
        var config = await StartUpstreamAsync();
        Db = await postgres.NewDatabaseAsync(GetType().Name);
        Server = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, config.Flatten(), time: Clock);
        Admin = TenancyApi.Admin(Server);
        (_, Secret) = await Admin.IssueKeyAsync(new { org_id = await Admin.CreateOrganizationAsync(), name = GetType().Name });
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
        await Db.DisposeAsync();
        await StopUpstreamAsync();
    }

    /// <summary>The official OpenAI SDK, pointed at the gateway with the virtual key.</summary>
    internal ChatClient Sdk(string model) =>
        new(model, new ApiKeyCredential(Secret), new OpenAIClientOptions { Endpoint = new Uri(Server.Client.BaseAddress!, "/v1") });
}

using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Inference.Anthropic;
using Gateway.Host.Tests.Features.Inference.Gemini;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>
/// A gateway in front of one fake upstream per dialect: "openai" (gpt-4o-mini, key up-1), "claude"
/// (claude-sonnet-4-5) and "gemini" (gemini-2.5-flash), a virtual key of an organisation, a client of each
/// dialect holding it, and the gateway's log.
/// </summary>
public abstract class EveryDialectTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    public const string OpenAIModel = "openai:gpt-4o-mini";
    public const string ClaudeModel = "claude:claude-sonnet-4-5";
    public const string GeminiModel = "gemini:gemini-2.5-flash";

    internal FakeOpenAIUpstream OpenAIUpstream { get; private set; } = null!;

    internal FakeAnthropicUpstream ClaudeUpstream { get; private set; } = null!;

    internal FakeGeminiUpstream GeminiUpstream { get; private set; } = null!;

    internal TestDatabase Db { get; private set; } = null!;

    internal GatewayServer Server { get; private set; } = null!;

    internal TenancyApi Admin { get; private set; } = null!;

    internal string OrgId { get; private set; } = "";

    /// <summary>The virtual key's secret the three clients hold.</summary>
    internal string Secret { get; private set; } = "";

    internal CapturedLogs Logs { get; } = new();

    internal HttpClient OpenAIClient { get; private set; } = null!;

    internal HttpClient AnthropicClient { get; private set; } = null!;

    internal HttpClient GeminiClient { get; private set; } = null!;

    /// <summary>Settings a test class adds to the providers' (flattened YAML keys, e.g. <c>max_request_body_mb</c>).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Services a test class adds to the gateway (a stand-in for a feature); null for none.</summary>
    private protected virtual Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? Services => null;

    /// <summary>Starts what the configuration names before the server reads it (a tool's backend); nothing by default.</summary>
    private protected virtual ValueTask BeforeServerAsync() => ValueTask.CompletedTask;

    /// <summary>How many requests the three fakes received, together.</summary>
    internal int UpstreamRequests => OpenAIUpstream.Requests.Count + ClaudeUpstream.Requests.Count + GeminiUpstream.Requests.Count;

    public async ValueTask InitializeAsync()
    {
        await BeforeServerAsync();
        OpenAIUpstream = await FakeOpenAIUpstream.StartAsync();
        ClaudeUpstream = await FakeAnthropicUpstream.StartAsync();
        GeminiUpstream = await FakeGeminiUpstream.StartAsync();
        Db = await postgres.NewDatabaseAsync(GetType().Name);
        var config = new GatewayConfig(
                TestProviders.OpenAI("openai", OpenAIUpstream.BaseUrl).Models("gpt-4o-mini").Keys("up-1"),
                TestProviders.Anthropic("claude", ClaudeUpstream.BaseUrl).Models("claude-sonnet-4-5").Keys("sk-ant-only"),
                TestProviders.Gemini("gemini", GeminiUpstream.BaseUrl).Models("gemini-2.5-flash").Keys("AIza-only-project-key-0000000001"))
            .With(Settings)
            .Flatten();
        Server = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, config, configure: builder =>
        {
            builder.Logging.AddProvider(Logs);
            Services?.Invoke(builder);
        });
        Admin = TenancyApi.Admin(Server);
        OrgId = await Admin.CreateOrganizationAsync();
        (_, Secret) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = GetType().Name });
        var secret = Secret;
        OpenAIClient = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        OpenAIClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        AnthropicClient = AnthropicWire.WireClient(Server.Client.BaseAddress!, secret);
        GeminiClient = GeminiWire.Client(Server.Client.BaseAddress!, secret);
    }

    public virtual async ValueTask DisposeAsync()
    {
        OpenAIClient.Dispose();
        AnthropicClient.Dispose();
        GeminiClient.Dispose();
        Admin.Dispose();
        await Server.DisposeAsync();
        await Db.DisposeAsync();
        await OpenAIUpstream.DisposeAsync();
        await ClaudeUpstream.DisposeAsync();
        await GeminiUpstream.DisposeAsync();
    }
}

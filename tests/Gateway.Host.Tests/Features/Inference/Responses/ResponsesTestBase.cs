using System.ClientModel;
using System.Net.Http.Headers;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;
using OpenAI.Responses;

namespace Gateway.Host.Tests.Features.Inference.Responses;

/// <summary>
/// A gateway in front of an upstream of every kind, for Responses clients: "native" serves the Responses API
/// (capabilities chat and responses, key up-native), "chat" is an OpenAI-compatible server of chat completions only
/// (key up-chat), "claude" is Anthropic, "gemini" is Gemini; an organisation's virtual key, and another organisation's.
/// </summary>
public abstract class ResponsesTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    public const string NativeModel = "native:gpt-4.1-mini";
    public const string ChatModel = "chat:gpt-4o-mini";
    public const string ClaudeModel = "claude:claude-sonnet-4-5";
    public const string GeminiModel = "gemini:gemini-2.5-flash";

    /// <summary>A Gemini 3 model of the fake, which refuses function calls sent back without their thought signatures.</summary>
    public const string Gemini3Model = "gemini:gemini-3-pro-preview";

    internal FakeOpenAIUpstream NativeUpstream { get; private set; } = null!;

    internal FakeOpenAIUpstream ChatUpstream { get; private set; } = null!;

    internal FakeAnthropicUpstream ClaudeUpstream { get; private set; } = null!;

    internal FakeGeminiUpstream GeminiUpstream { get; private set; } = null!;

    internal TestDatabase Db { get; private set; } = null!;

    internal GatewayServer Server { get; private set; } = null!;

    /// <summary>The gateway's settings, for another instance on the same database.</summary>
    internal IReadOnlyDictionary<string, string?> Config { get; private set; } = null!;

    internal TenancyApi Admin { get; private set; } = null!;

    internal string OrgId { get; private set; } = "";

    internal string Secret { get; private set; } = "";

    internal string OtherSecret { get; private set; } = "";

    /// <summary>Raw HTTP with the organisation's key, for what an SDK does not show (events on the wire, headers).</summary>
    internal HttpClient Http { get; private set; } = null!;

    internal static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings a test class adds (flattened YAML keys).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async ValueTask InitializeAsync()
    {
        NativeUpstream = await FakeOpenAIUpstream.StartAsync();
        ChatUpstream = await FakeOpenAIUpstream.StartAsync();
        ClaudeUpstream = await FakeAnthropicUpstream.StartAsync();
        GeminiUpstream = await FakeGeminiUpstream.StartAsync();
        Db = await postgres.NewDatabaseAsync(GetType().Name);
        Config = new GatewayConfig(
                TestProviders.OpenAI("native", NativeUpstream.BaseUrl).Models("gpt-4.1-mini").Keys("up-native").Capabilities("chat", "responses"),
                TestProviders.OpenAI("chat", ChatUpstream.BaseUrl).Models("gpt-4o-mini").Keys("up-chat"),
                TestProviders.Anthropic("claude", ClaudeUpstream.BaseUrl).Models("claude-sonnet-4-5").Keys("sk-ant-only"),
                TestProviders.Gemini("gemini", GeminiUpstream.BaseUrl).Models("gemini-2.5-flash", "gemini-3-pro-preview").Keys("AIza-only-project-key-0000000001"))
            .With(Settings)
            .Flatten();
        Server = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, Config);
        Admin = TenancyApi.Admin(Server);
        OrgId = await Admin.CreateOrganizationAsync();
        (_, Secret) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = GetType().Name });
        (_, OtherSecret) = await Admin.IssueKeyAsync(new { org_id = await Admin.CreateOrganizationAsync("Other"), name = "other" });
        Http = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Admin.Dispose();
        await Server.DisposeAsync();
        await Db.DisposeAsync();
        await NativeUpstream.DisposeAsync();
        await ChatUpstream.DisposeAsync();
        await ClaudeUpstream.DisposeAsync();
        await GeminiUpstream.DisposeAsync();
    }

    /// <summary>Arguments of the weather calls the fakes are scripted to make.</summary>
    internal const string Oslo = """{"city":"Oslo"}""";

    /// <summary>
    /// The next answer of the model's upstream calls weather for Oslo (Anthropic's fake says a sentence first); for
    /// Anthropic and Gemini the answer after it is text.
    /// </summary>
    internal void ScriptWeatherCall(string model)
    {
        switch (model)
        {
            case NativeModel:
                NativeUpstream.Script("up-native", FakeOpenAIUpstream.Reply.ToolCall("weather", Oslo));
                break;
            case ChatModel:
                ChatUpstream.Script("up-chat", FakeOpenAIUpstream.Reply.ToolCall("weather", Oslo));
                break;
            case ClaudeModel:
                ClaudeUpstream.Script(FakeAnthropicUpstream.Reply.ToolUse("weather", Oslo), FakeAnthropicUpstream.Reply.Text("Hello after the tool"));
                break;
            default:
                GeminiUpstream.Script(FakeGeminiUpstream.Reply.FunctionCall("weather", Oslo), FakeGeminiUpstream.Reply.Text("Hello after the tool"));
                break;
        }
    }

    /// <summary>The next stream of an OpenAI-speaking model's upstream sends two words, then is reset once <paramref name="cut"/> completes.</summary>
    internal void ScriptCut(string model, Task cut) =>
        (model == NativeModel ? NativeUpstream : ChatUpstream).Script(model == NativeModel ? "up-native" : "up-chat", FakeOpenAIUpstream.Reply.CutStream(2, cut));

    /// <summary>The official OpenAI .NET SDK's Responses client, pointed at the gateway with a key (this organisation's by default).</summary>
    internal ResponsesClient Responses(string? secret = null) =>
        new(new ApiKeyCredential(secret ?? Secret), new ResponsesClientOptions { Endpoint = new Uri(Server.Client.BaseAddress!, "/v1") });
}

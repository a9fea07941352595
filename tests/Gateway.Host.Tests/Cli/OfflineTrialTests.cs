using System.ClientModel;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Persistence.Postgres;
using Gateway.Host.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace Gateway.Host.Tests.Cli;

/// <summary>The README's offline trial, step by step, on the real gateway process with examples/mock.yaml.</summary>
public sealed class OfflineTrialTests : IDisposable
{
    private readonly string _dir = GatewayProcess.TraversableTempDirectory("gateway-trial-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Should_serve_a_chat_from_the_mock_provider_with_no_provider_account()
    {
        var port = LocalPostgresCluster.FreeLoopbackPort();
        await using var serve = GatewayProcess.Start(_dir, null, "serve", "--config", RepositoryFiles.PathOf("examples/mock.yaml"), "--urls", $"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await serve.WaitUntilReadyAsync(http, TimeSpan.FromSeconds(90));

        var admin = (await File.ReadAllTextAsync(Path.Combine(_dir, "data", "admin.token"), TestContext.Current.CancellationToken)).Trim();
        http.DefaultRequestHeaders.Authorization = new("Bearer", admin);
        var org = await (await http.PostAsJsonAsync("/v1/organizations", new { name = "trial" }, TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        var key = await (await http.PostAsJsonAsync("/v1/keys", new { org_id = (string)org!["id"]!, name = "trial" }, TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        var client = new ChatClient("fast", new ApiKeyCredential((string)key!["secret"]!), new OpenAIClientOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/v1") });

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("hello gateway")], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("[mock provider] You said: hello gateway", completion.Content[0].Text);
        Assert.True(completion.Usage.OutputTokenCount > 0);
        await serve.TerminateAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, serve.ExitCode);
    }
}

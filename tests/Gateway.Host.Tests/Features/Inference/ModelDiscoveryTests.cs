using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>A provider that declares no models learns them from its keys' upstream lists.</summary>
public sealed class ModelDiscoveryTests(PostgresFixture postgres) : SingleProviderTestBase(postgres)
{
    private FakeOpenAIUpstream _upstream = null!;

    private protected override async Task<GatewayConfig> StartUpstreamAsync()
    {
        _upstream = await FakeOpenAIUpstream.StartAsync();
        _upstream.ModelsByKey["up-old"] = ["gpt-4o-mini"];
        _upstream.ModelsByKey["up-new"] = ["gpt-4o-mini", "gpt-5-preview"];
        return new GatewayConfig(TestProviders.OpenAI("fake", _upstream.BaseUrl).Strategy("round_robin").Keys("up-old", "up-new", "up-unlisted"));
    }

    protected override ValueTask StopUpstreamAsync() => _upstream.DisposeAsync();

    [Fact]
    public async Task Should_route_a_bare_model_name_to_the_keys_that_list_it_once_discovered()
    {
        using var http = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Secret);
        var models = await Eventually.Until(
            async () => JsonNode.Parse(await http.GetStringAsync("/v1/models", TestContext.Current.CancellationToken))!["data"]!.AsArray(),
            listed => listed.Count >= 2, "discovery to list both models", TimeSpan.FromSeconds(10));

        for (var i = 0; i < 4; i++)
        {
            var completion = await Sdk("gpt-5-preview").CompleteChatAsync([new OpenAI.Chat.UserChatMessage("hi")], cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal((int)HttpStatusCode.OK, completion.GetRawResponse().Status);
        }

        Assert.Equal(["fake:gpt-4o-mini", "fake:gpt-5-preview"], models.Select(m => (string)m!["id"]!).Order());
        var used = _upstream.KeysUsed.ToList();
        Assert.DoesNotContain("up-old", used);
        Assert.Contains("up-new", used);
        Assert.Contains("up-unlisted", used);
    }
}

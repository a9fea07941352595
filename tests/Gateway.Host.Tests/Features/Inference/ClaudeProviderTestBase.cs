using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>A gateway in front of a fake Anthropic upstream "claude" (model claude-sonnet-4-5, keys sk-ant-first and sk-ant-second, sequential).</summary>
public abstract class ClaudeProviderTestBase(PostgresFixture postgres) : SingleProviderTestBase(postgres)
{
    internal FakeAnthropicUpstream ClaudeUpstream { get; private set; } = null!;

    private protected override async Task<GatewayConfig> StartUpstreamAsync()
    {
        ClaudeUpstream = await FakeAnthropicUpstream.StartAsync();
        return new GatewayConfig(
            TestProviders.Anthropic("claude", ClaudeUpstream.BaseUrl).Strategy("sequential").Models("claude-sonnet-4-5").Keys("sk-ant-first", "sk-ant-second"));
    }

    protected override ValueTask StopUpstreamAsync() => ClaudeUpstream.DisposeAsync();
}

using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>A gateway in front of a fake Anthropic upstream "claude" (model claude-sonnet-4-5, keys sk-ant-first and sk-ant-second, sequential).</summary>
public abstract class ClaudeProviderTestBase(PostgresFixture postgres) : SingleProviderTestBase(postgres)
{
    internal FakeAnthropicUpstream ClaudeUpstream { get; private set; } = null!;

    protected override async Task<IReadOnlyDictionary<string, string?>> StartUpstreamAsync()
    {
        ClaudeUpstream = await FakeAnthropicUpstream.StartAsync();
        return new Dictionary<string, string?>
        {
            ["providers:0:name"] = "claude",
            ["providers:0:type"] = "anthropic",
            ["providers:0:base_url"] = ClaudeUpstream.BaseUrl.ToString(),
            ["providers:0:strategy"] = "sequential",
            ["providers:0:models:0"] = "claude-sonnet-4-5",
            ["providers:0:keys:0:key"] = "sk-ant-first",
            ["providers:0:keys:1:key"] = "sk-ant-second",
        };
    }

    protected override ValueTask StopUpstreamAsync() => ClaudeUpstream.DisposeAsync();
}

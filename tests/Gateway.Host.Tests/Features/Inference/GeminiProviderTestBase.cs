using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>A gateway in front of a fake Gemini upstream "gemini" (model gemini-2.5-flash, two keys of two projects, sequential).</summary>
public abstract class GeminiProviderTestBase(PostgresFixture postgres) : SingleProviderTestBase(postgres)
{
    internal FakeGeminiUpstream GeminiUpstream { get; private set; } = null!;

    private protected override async Task<GatewayConfig> StartUpstreamAsync()
    {
        GeminiUpstream = await FakeGeminiUpstream.StartAsync();
        return new GatewayConfig(TestProviders.Gemini("gemini", GeminiUpstream.BaseUrl).Strategy("sequential").Models("gemini-2.5-flash")
            .Key("AIza-first-project-key-000000001", label: "first", project: "proj-a")
            .Key("AIza-second-project-key-00000002", label: "second", project: "proj-b"));
    }

    protected override ValueTask StopUpstreamAsync() => GeminiUpstream.DisposeAsync();
}

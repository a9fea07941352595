using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>A gateway in front of a fake Gemini upstream "gemini" (model gemini-2.5-flash, two keys of two projects, sequential).</summary>
public abstract class GeminiProviderTestBase(PostgresFixture postgres) : SingleProviderTestBase(postgres)
{
    internal FakeGeminiUpstream GeminiUpstream { get; private set; } = null!;

    protected override async Task<IReadOnlyDictionary<string, string?>> StartUpstreamAsync()
    {
        GeminiUpstream = await FakeGeminiUpstream.StartAsync();
        return new Dictionary<string, string?>
        {
            ["providers:0:name"] = "gemini",
            ["providers:0:type"] = "gemini",
            ["providers:0:base_url"] = GeminiUpstream.BaseUrl.ToString(),
            ["providers:0:strategy"] = "sequential",
            ["providers:0:models:0"] = "gemini-2.5-flash",
            ["providers:0:keys:0:key"] = "AIza-first-project-key-000000001",
            ["providers:0:keys:0:label"] = "first",
            ["providers:0:keys:0:project"] = "proj-a",
            ["providers:0:keys:1:key"] = "AIza-second-project-key-00000002",
            ["providers:0:keys:1:label"] = "second",
            ["providers:0:keys:1:project"] = "proj-b",
        };
    }

    protected override ValueTask StopUpstreamAsync() => GeminiUpstream.DisposeAsync();
}
